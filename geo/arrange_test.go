package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func TestArrange(t *testing.T) {
	uShape := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {7, 10}, {7, 3}, {3, 3}, {3, 10}, {0, 10}, {0, 0}}}
	cases := []struct {
		name    string
		poly    orb.Polygon
		lattice Lattice
		faces   int
		holes   int // faces with a hole ring of their own
	}{
		{"square", orb.Polygon{square(0, 0, 10, 10)}, Lattice{X: []float64{2.5, 5.25, 7.75}, Y: []float64{3.3, 6.7}}, 12, 0},
		{"clockwise square", orb.Polygon{{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}}, Lattice{X: []float64{5.5}, Y: []float64{4.5}}, 4, 0},
		{"concave: one cell, two faces", uShape, Lattice{X: []float64{1.5, 8.5}, Y: []float64{2, 6}}, 10, 0},
		{"diamond, irregular lattice", orb.Polygon{{{5, -1}, {11, 5}, {5, 11}, {-1, 5}, {5, -1}}},
			Lattice{X: []float64{0.3, 1.7, 4.1, 6.6, 9.9}, Y: []float64{0.55, 3.1, 4.9, 8.2}}, 21, 0},
		{"hole inside a cell", orb.Polygon{square(0, 0, 10, 10), square(4, 4, 4.5, 4.5)}, Lattice{X: []float64{3, 6}, Y: []float64{3, 6}}, 9, 1},
		{"hole across lines", orb.Polygon{square(0, 0, 10, 10), square(4, 4, 6.5, 6.5)}, Lattice{X: []float64{5.2}, Y: []float64{5.1}}, 4, 0},
		{"polygon inside one cell", orb.Polygon{square(1, 1, 2, 2)}, Lattice{X: []float64{0, 5}, Y: []float64{0, 5}}, 1, 0},
		{"lattice beyond the polygon", orb.Polygon{square(0, 0, 10, 10)}, Lattice{X: []float64{-5, 5.5, 20}, Y: []float64{-3, 30}}, 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Arrange(c.poly, c.lattice)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Faces) != c.faces {
				t.Errorf("got %d faces, want %d", len(s.Faces), c.faces)
			}
			holes := 0
			for _, f := range s.Faces {
				holes += len(f.Rings) - 1
			}
			if holes != c.holes {
				t.Errorf("got %d face holes, want %d", holes, c.holes)
			}
			checkSubdivision(t, s, c.poly)
		})
	}
}

func TestArrangeCells(t *testing.T) {
	s, err := Arrange(orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {7, 10}, {7, 3}, {3, 3}, {3, 10}, {0, 10}, {0, 0}}},
		Lattice{X: []float64{1.5, 8.5}, Y: []float64{2, 6}})
	if err != nil {
		t.Fatal(err)
	}
	perCell := map[[2]int]int{}
	for f, face := range s.Faces {
		perCell[[2]int{face.Col, face.Row}]++
		// every vertex of the face lies in the closure of its cell
		for _, q := range s.Polygon(f)[0] {
			c, r := face.Col, face.Row
			l := s.Lattice
			if (c > 0 && q[0] < l.X[c-1]) || (c < len(l.X) && q[0] > l.X[c]) ||
				(r > 0 && q[1] < l.Y[r-1]) || (r < len(l.Y) && q[1] > l.Y[r]) {
				t.Errorf("face %d in cell (%d,%d) has vertex %v outside it", f, c, r, q)
			}
		}
	}
	if perCell[[2]int{1, 2}] != 2 {
		t.Errorf("the cell between the arms holds %d faces, want 2", perCell[[2]int{1, 2}])
	}
}

func TestArrangeRejects(t *testing.T) {
	cases := []struct {
		name    string
		poly    orb.Polygon
		lattice Lattice
	}{
		{"vertex on a line", orb.Polygon{square(0, 0, 10, 10)}, Lattice{X: []float64{10}, Y: []float64{5}}},
		{"crossing on a node", orb.Polygon{{{0, 0}, {10, 10}, {0, 10}, {0, 0}}}, Lattice{X: []float64{5}, Y: []float64{5}}},
		{"lines out of order", orb.Polygon{square(0, 0, 10, 10)}, Lattice{X: []float64{6, 4}}},
		{"degenerate ring", orb.Polygon{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}, Lattice{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Arrange(c.poly, c.lattice); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestLatticeClear(t *testing.T) {
	tri := orb.Polygon{{{0, 0}, {10, 10}, {0, 10}, {0, 0}}}
	cases := []struct {
		name    string
		poly    orb.Polygon
		lattice Lattice
	}{
		{"vertex on a line", orb.Polygon{square(0, 0, 10, 10)}, Lattice{X: []float64{0.0004, 5, 10}, Y: []float64{-0.0002, 5}}},
		{"crossing on a node", tri, Lattice{X: []float64{5}, Y: []float64{5}}},
		{"crossing near a node", tri, Lattice{X: []float64{2, 5}, Y: []float64{5.0005, 7}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := c.lattice.Clear(c.poly, 0.001)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Arrange(c.poly, l)
			if err != nil {
				t.Fatal(err)
			}
			checkSubdivision(t, s, c.poly)
			for _, r := range c.poly {
				for _, q := range r {
					for _, x := range l.X {
						if d := q[0] - x; d > -0.001 && d < 0.001 {
							t.Errorf("vertex %v within tolerance of x=%v", q, x)
						}
					}
				}
			}
		})
	}
	if _, err := (Lattice{X: []float64{1, 1.5}}).Clear(orb.Polygon{square(0, 0, 2, 2)}, 1); err == nil {
		t.Error("Clear with a tolerance larger than the spacing did not fail")
	}
}

func TestLatticeCell(t *testing.T) {
	l := Lattice{X: []float64{0, 10}, Y: []float64{5}}
	cases := []struct {
		p        orb.Point
		col, row int
	}{{orb.Point{-1, 0}, 0, 0}, {orb.Point{5, 6}, 1, 1}, {orb.Point{10, 5}, 2, 1}, {orb.Point{11, -3}, 2, 0}}
	for _, c := range cases {
		if col, row := l.Cell(c.p); col != c.col || row != c.row {
			t.Errorf("Cell(%v) = (%d,%d), want (%d,%d)", c.p, col, row, c.col, c.row)
		}
	}
}
