package geo_test

import (
	"fmt"

	"github.com/gridplan/gridplan/geo"
	"github.com/paulmach/orb"
)

// Walking time from a home to the nearest clinic along two streets: both
// join the street at its nearest point, and the legs from door to street
// count at the same speed.
func ExampleNetwork_Reach() {
	streets := []orb.LineString{
		{{0, 0}, {400, 0}},     // link 0: node 0 → node 1
		{{400, 0}, {400, 300}}, // link 1: node 1 → node 2
	}
	g, err := geo.NewNetwork(3, []geo.Link{{From: 0, To: 1, Cost: 400}, {From: 1, To: 2, Cost: 300}})
	if err != nil {
		panic(err)
	}
	snapper := geo.NewSnapper(streets)
	clinic, _ := snapper.Nearest(orb.Point{100, 20}) // 20 m from the street
	home, _ := snapper.Nearest(orb.Point{390, 250})  // 10 m from the other street
	field := g.Reach([]geo.Origin{{Position: clinic.Position, Cost: clinic.Dist}}, 1000)
	metres, _ := field.At(home.Position)
	metres += home.Dist
	fmt.Printf("%.0f m, %.1f minutes at 80 m/min\n", metres, metres/80)
	// Output: 580 m, 7.2 minutes at 80 m/min
}
