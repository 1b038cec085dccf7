package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

func square(x, y, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}
}

// Two grids share an edge; a building on that edge is in both, and the
// caller picks one, so it is counted once.
func ExamplePointLocator() {
	grids := []orb.MultiPolygon{square(0, 0, 100), square(100, 0, 100)}
	l := geo.NewPointLocator(grids)
	fmt.Println(l.Containing(orb.Point{50, 50}, nil))
	fmt.Println(l.Containing(orb.Point{100, 20}, nil))
	fmt.Println(l.Containing(orb.Point{300, 20}, nil))
	// Output:
	// [0]
	// [0 1]
	// []
}

// A census block of 1,234 persons lies 3512.5 m² in one grid, 1201.25 m²
// in a second and 88.1 m² in a third: shares by area, exact to the person.
func ExampleApportion() {
	fmt.Println(geo.Apportion(1234, []float64{3512.5, 1201.25, 88.1}))
	// Output: [903 309 22]
}

func ExamplePolsbyPopper() {
	fmt.Printf("%.3f\n", geo.PolsbyPopper(square(0, 0, 100)))
	fmt.Printf("%.3f\n", geo.PolsbyPopper(orb.MultiPolygon{{{{0, 0}, {400, 0}, {400, 25}, {0, 25}, {0, 0}}}}))
	// Output:
	// 0.785
	// 0.174
}

func ExampleSharedBoundaryLength() {
	fmt.Println(geo.SharedBoundaryLength(square(0, 0, 100), square(100, 40, 100), 0.01))
	// Output: 60
}
