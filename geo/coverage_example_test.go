package geo_test

import (
	"fmt"

	"github.com/gridplan/gridplan/geo"
	"github.com/paulmach/orb"
)

// Three tiles over a 10 × 10 parent: the east half is split in two, so the
// west tile and the parent lack the vertices at x = 5 (T-junctions), which
// is fine. Shrinking the north-east tile by a metre leaves a gap, found as
// one defect bounded by the parent and the tiles round it (-1 is the
// parent).
func ExampleCheckTiling() {
	box := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	parent := box(0, 0, 10, 10)
	tiles := []orb.MultiPolygon{box(0, 0, 5, 10), box(5, 0, 10, 5), box(5, 5, 10, 10)}
	opt := geo.TilingOptions{Snap: 0.02, Margin: 1}
	fmt.Println(len(geo.CheckTiling(geo.Tiling{Parent: parent, Tiles: tiles}, opt)), "defects")

	tiles[2] = box(5, 5, 10, 9)
	for _, d := range geo.CheckTiling(geo.Tiling{Parent: parent, Tiles: tiles}, opt) {
		fmt.Println("defect at", d.Bound.Min, d.Bound.Max, "owners", d.Owners)
	}
	// Output:
	// 0 defects
	// defect at [5 9] [10 10] owners [-1 0 2]
}

// Overlaps tells ground shared by two polygons from a boundary they share,
// forgiving noise up to eps.
func ExampleOverlaps() {
	a := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}}
	neighbour := orb.MultiPolygon{{{{10, 0}, {20, 0}, {20, 10}, {10.004, 10}, {10, 0}}}}
	across := orb.MultiPolygon{{{{5, 4}, {15, 4}, {15, 6}, {5, 6}, {5, 4}}}}
	fmt.Println(geo.Overlaps(a, neighbour, 0.01), geo.Overlaps(a, across, 0.01))
	// Output: false true
}
