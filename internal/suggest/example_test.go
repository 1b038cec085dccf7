package suggest_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/suggest"
)

// A grid of 2 × 2 child grids of 200 households each, over the band of
// 300–500 households, split into two parts along the street between the
// columns.
func ExampleSplitGraph() {
	g := &suggest.Ground{Streets: []orb.LineString{{{10, -5}, {10, 25}}}}
	for j := range 2 {
		for i := range 2 {
			x, y := float64(10*i), float64(10*j)
			cell := orb.Polygon{{{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}, {x, y}}}
			g.Faces = append(g.Faces, cell)
			g.Children = append(g.Children, suggest.Child{Code: fmt.Sprint(i, j), Geometry: orb.MultiPolygon{cell}})
			g.Units = append(g.Units, suggest.Unit{Point: orb.Point{x + 5, y + 5}, Households: 200, Persons: 450})
		}
	}
	g.Grids = []orb.MultiPolygon{{{{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}}}}
	graph, err := g.Build()
	if err != nil {
		panic(err)
	}
	band := domain.Band{MinHouseholds: 300, MaxHouseholds: 500, MaxPersons: 2500}
	parts, err := suggest.SplitGraph(graph, band, 2, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println("children by part:", parts[0].Label)
	fmt.Printf("cut lines: %.1f\n", graph.CutLines(parts[0].Label))
	// Output:
	// children by part: [0 1 0 1]
	// cut lines: [[[10.0 -0.1] [10.0 10.0] [10.0 20.1]]]
}
