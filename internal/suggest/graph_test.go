package suggest

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/internal/domain"
)

var (
	bandNone  = domain.Band{}
	gridBand  = domain.Band{MinHouseholds: 300, MaxHouseholds: 500, MaxPersons: 2500}
	uniform40 = func(int, int) int64 { return 40 }
	oneGrid   = func(int, int) int { return 0 }
)

func TestBuildLattice(t *testing.T) {
	g := latticeGround(t, 3, 2, 10, 1, oneGrid, uniform40)
	g.Streets = []orb.LineString{{{10, -5}, {10, 25}}} // along x = 10, past the ground
	gr := mustBuild(t, g)
	if len(gr.Atoms) != 6 {
		t.Fatalf("%d atoms, want one per child: 6", len(gr.Atoms))
	}
	var outer, households float64
	links := 0
	for a, at := range gr.Atoms {
		outer += at.OuterM
		households += float64(at.Households)
		if at.AreaM2 != 100 {
			t.Errorf("atom %d: %v m², want 100", a, at.AreaM2)
		}
		for _, l := range gr.Links[a] {
			links++
			if l.LengthM != 10 {
				t.Errorf("atom %d → %d: shared %v m, want 10", a, l.To, l.LengthM)
			}
			// Only the boundary between column 0 and column 1 lies on the street.
			a0, b0 := gr.Atoms[a].Centre[0] < 10, gr.Atoms[l.To].Centre[0] < 10
			if wantStreet := a0 != b0; (l.StreetM == l.LengthM) != wantStreet || (l.StreetM != 0 && l.StreetM != l.LengthM) {
				t.Errorf("atom %d → %d: %v of %v m on the street, want street=%v", a, l.To, l.StreetM, l.LengthM, wantStreet)
			}
		}
	}
	if outer != 100 || households != 240 || links != 2*7 {
		t.Errorf("outer %v m (want 100), households %v (want 240), links %d (want 14)", outer, households, links)
	}
}

func TestBuildGluesBuildings(t *testing.T) {
	// Blocks mode: two faces either side of a line, with a building 0.3 m
	// from it: the line may not pass there, so the faces are one atom.
	g := &Ground{Grids: []orb.MultiPolygon{{{{{0, 0}, {20, 0}, {20, 10}, {0, 10}, {0, 0}}}}},
		Faces: []orb.Polygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}, {{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 0}}}}}
	g.Units = []Unit{{Point: orb.Point{15, 5}, Households: 3, Persons: 7}}
	if n := len(mustBuild(t, g).Atoms); n != 2 {
		t.Fatalf("a building clear of the line: %d atoms, want 2", n)
	}
	g.Units = []Unit{{Point: orb.Point{10.3, 5}, Households: 3, Persons: 7}}
	gr := mustBuild(t, g)
	if len(gr.Atoms) != 1 || gr.Atoms[0].Households != 3 {
		t.Fatalf("a building 0.3 m from the line: atoms %+v, want one with its 3 households", gr.Atoms)
	}
}

func TestShapesAndCutLines(t *testing.T) {
	gr := mustBuild(t, latticeGround(t, 3, 2, 10, 1, oneGrid, uniform40))
	labels := make([]int, len(gr.Atoms))
	for a, at := range gr.Atoms {
		if at.Centre[0] > 10 {
			labels[a] = 1
		}
	}
	shapes, err := gr.Shapes(labels, 2)
	if err != nil {
		t.Fatal(err)
	}
	if a0, a1 := planar.Area(shapes[0]), planar.Area(shapes[1]); a0 != 200 || a1 != 400 {
		t.Errorf("areas %v and %v, want 200 and 400", a0, a1)
	}
	// Collinear nodes of the children on the grid's straight edges go:
	// the left part is the rectangle's four corners plus where the cut
	// meets the outline.
	if n := len(shapes[0][0][0]); n != 5 {
		t.Errorf("left part has %d ring points, want 5: %v", n, shapes[0][0][0])
	}
	lines := gr.CutLines(labels)
	if len(lines) != 1 {
		t.Fatalf("%d cut lines, want 1: %v", len(lines), lines)
	}
	// The cut runs along x = 10 from edge to edge, through the children's
	// corner on the way; its ends are children's corners on the grid's
	// straight edges, no vertex of the grid's own outline, so they reach
	// past it.
	want := orb.LineString{{10, -overshootM}, {10, 10}, {10, 20 + overshootM}}
	if l := lines[0]; len(l) != 3 || (l[0][1] > l[2][1]) {
		t.Errorf("cut line %v, want %v", l, want)
	} else {
		for k := range want {
			if math.Hypot(l[k][0]-want[k][0], l[k][1]-want[k][1]) > 1e-9 {
				t.Errorf("cut line %v, want %v", l, want)
			}
		}
	}
}
