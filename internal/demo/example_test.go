package demo_test

import (
	"fmt"
	"math"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/paulmach/orb"
)

// A small district: the caller projects the embedded Erqi data to metres
// (PostGIS in gridplan; a crude equirectangular projection here) and
// generates at a tenth of the real size.
func ExampleGenerate() {
	outline, divisions, err := demo.Erqi()
	if err != nil {
		panic(err)
	}
	c := outline.Bound().Center()
	metres := func(p orb.Point) orb.Point {
		k := math.Pi / 180 * 6371008.8
		return orb.Point{500000 + k*math.Cos(c[1]*math.Pi/180)*(p[0]-c[0]), 3800000 + k*(p[1]-c[1])}
	}
	in := demo.Input{Outline: orb.Polygon{orb.Ring{}}}
	for _, p := range outline[0] {
		in.Outline[0] = append(in.Outline[0], metres(p))
	}
	for _, d := range divisions {
		d.Point = metres(d.Point)
		in.Divisions = append(in.Divisions, d)
	}
	d, err := demo.Generate(in, demo.Options{Seed: 1, Scale: 0.1})
	if err != nil {
		panic(err)
	}
	perLevel := map[int]int{}
	for _, g := range d.Grids {
		if g.Kind == "base" {
			perLevel[g.Level]++
		}
	}
	persons := 0
	for _, u := range d.Units {
		persons += u.Persons
	}
	fmt.Println("streets", perLevel[1], "communities", perLevel[2], "grids", perLevel[3], "micro-grids", perLevel[4])
	fmt.Println("residents", persons)
	// Output:
	// streets 3 communities 18 grids 144 micro-grids 628
	// residents 106126
}
