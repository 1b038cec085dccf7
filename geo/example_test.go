package geo_test

import (
	"fmt"

	"github.com/gridplan/gridplan/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// An L-shaped plot cut by a lattice: every face is one piece of the plot in
// one cell, and the faces add up to the plot exactly.
func ExampleArrange() {
	plot := orb.Polygon{{{0, 0}, {10, 0}, {10, 4}, {4, 4}, {4, 10}, {0, 10}, {0, 0}}}
	s, err := geo.Arrange(plot, geo.Lattice{X: []float64{2.5, 6.5}, Y: []float64{2.5, 6.5}})
	if err != nil {
		panic(err)
	}
	total := 0.0
	for f := range s.Faces {
		total += s.Area(f)
	}
	fmt.Println(len(s.Faces), "faces, area", total, "of", planar.Area(plot))
	// Output: 8 faces, area 64 of 64
}

// Dissolving labelled faces gives polygons whose common boundary is made of
// the very same points, once in each direction.
func ExampleSubdivision_Dissolve() {
	square := orb.Polygon{{{0, 0}, {9, 0}, {9, 9}, {0, 9}, {0, 0}}}
	s, err := geo.Arrange(square, geo.Lattice{X: []float64{3, 6}, Y: []float64{3, 6}})
	if err != nil {
		panic(err)
	}
	labels := make([]int, len(s.Faces))
	for f, face := range s.Faces {
		if face.Col == 2 || face.Row == 2 { // the north and east cells
			labels[f] = 1
		}
	}
	regions, err := s.Dissolve(labels, 2)
	if err != nil {
		panic(err)
	}
	for _, r := range regions {
		fmt.Println(r[0])
	}
	// Output:
	// [[0 0] [6 0] [6 6] [0 6] [0 0]]
	// [[6 0] [9 0] [9 9] [0 9] [0 6] [6 6] [6 0]]
}

// A region that touches itself at a corner gets a hole meeting its outer ring
// at that one point, as OGC validity requires, rather than a self-touching ring.
func ExampleSubdivision_Dissolve_pinch() {
	square := orb.Polygon{{{0, 0}, {9, 0}, {9, 9}, {0, 9}, {0, 0}}}
	s, err := geo.Arrange(square, geo.Lattice{X: []float64{3, 6}, Y: []float64{3, 6}})
	if err != nil {
		panic(err)
	}
	labels := make([]int, len(s.Faces))
	for f, face := range s.Faces {
		switch {
		case face.Col == 1 && face.Row == 1:
			labels[f] = 1 // the centre
		case face.Col == 2 && face.Row == 2:
			labels[f] = 2 // the north-east corner, touching the centre at (6,6)
		}
	}
	regions, err := s.Dissolve(labels, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println("outer:", regions[0][0])
	fmt.Println("hole: ", regions[0][1])
	// Output:
	// outer: [[0 0] [9 0] [9 6] [6 6] [6 9] [0 9] [0 0]]
	// hole:  [[3 3] [3 6] [6 6] [6 3] [3 3]]
}

// Clear moves lattice lines away from the polygon's vertices and crossings so
// that Arrange never has to decide on which side of a line a point lies.
func ExampleLattice_Clear() {
	triangle := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 0}}}
	l, err := geo.Lattice{X: []float64{5, 10.0004}, Y: []float64{5}}.Clear(triangle, 0.001)
	if err != nil {
		panic(err)
	}
	fmt.Println(l.X, l.Y)
	// Output: [5 10.002] [5.002]
}
