package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// A point of Zhengzhou's Erqi district as Gaode's basemap draws it: the
// GCJ-02 offset moves it a few hundred metres east and south.
func ExampleWGS84ToGCJ02() {
	wgs := orb.Point{113.64, 34.72}
	gcj := geo.WGS84ToGCJ02(wgs)
	fmt.Printf("%.6f %.6f\n", gcj[0], gcj[1])
	// Output: 113.646060 34.718811
}
