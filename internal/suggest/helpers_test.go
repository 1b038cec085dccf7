package suggest

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// latticeGround is an nx × ny block of square cells, cell metres wide,
// each a child grid with one building of households(i, j) households (two
// persons each) at its centre; home(i, j) names the grid each cell is in.
// Faces are the cells themselves, as PostGIS would polygonize them.
func latticeGround(t testing.TB, nx, ny int, cell float64, grids int, home func(i, j int) int, households func(i, j int) int64) *Ground {
	t.Helper()
	g := &Ground{}
	var labels []int
	for j := range ny {
		for i := range nx {
			x, y := float64(i)*cell, float64(j)*cell
			sq := orb.Polygon{{{x, y}, {x + cell, y}, {x + cell, y + cell}, {x, y + cell}, {x, y}}}
			g.Faces = append(g.Faces, sq)
			g.Children = append(g.Children, Child{Code: string(rune('a'+i)) + string(rune('0'+j)), Geometry: orb.MultiPolygon{sq}})
			h := households(i, j)
			g.Units = append(g.Units, Unit{Point: orb.Point{x + cell/2, y + cell/2}, Households: h, Persons: 2 * h})
			labels = append(labels, home(i, j))
		}
	}
	faces, err := geo.NewFaces(g.Faces)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := faces.Dissolve(labels, grids, func(orb.Point) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	g.Grids = shapes
	return g
}

func mustBuild(t testing.TB, g *Ground) *Graph {
	t.Helper()
	gr, err := g.Build()
	if err != nil {
		t.Fatal(err)
	}
	return gr
}

// connectedParts reports whether every part of labels is one piece.
func connectedParts(g *Graph, labels []int, n int) bool {
	p := NewPartition(g, bandNone, labels, n)
	for part := range n {
		if len(p.components(part)) > 1 {
			return false
		}
	}
	return true
}

func domain2() domain.Band   { return domain.Band{MinHouseholds: 300, MaxHouseholds: 350} }
func bandOf100() domain.Band { return domain.Band{MinHouseholds: 100, MaxHouseholds: 120} }
