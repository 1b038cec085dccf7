package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// Two neighbours share a slightly wobbly boundary: simplified together, the
// boundary is straightened once and both keep the very same points.
func ExampleSimplifyShared() {
	west := orb.Ring{{0, 0}, {10, 0}, {10.1, 5}, {10, 10}, {0, 10}, {0, 0}}
	east := orb.Ring{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10.1, 5}, {10, 0}}
	out := geo.SimplifyShared([]orb.MultiPolygon{{{west}}, {{east}}}, 0.5)
	fmt.Println(out[0][0][0])
	fmt.Println(out[1][0][0])
	// Output:
	// [[10 0] [10 10] [0 10] [0 0] [10 0]]
	// [[10 0] [20 0] [20 10] [10 10] [10 0]]
}
