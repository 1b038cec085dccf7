package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// grid3 arranges the square [0,9]² by lines at 3 and 6 into 3×3 faces and
// returns the labels picked by label(col, row) for cells numbered 0..2.
func grid3(t *testing.T, label func(col, row int) int) (*Subdivision, orb.Polygon, []int) {
	t.Helper()
	p := orb.Polygon{square(0, 0, 9, 9)}
	s, err := Arrange(p, Lattice{X: []float64{3, 6}, Y: []float64{3, 6}})
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]int, len(s.Faces))
	for f, face := range s.Faces {
		labels[f] = label(face.Col, face.Row)
	}
	return s, p, labels
}

func TestDissolve(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		label func(col, row int) int
		rings []int // rings per region
		verts []int // distinct vertices of each region's outer ring
	}{
		{"stripes", 3, func(c, r int) int { return c }, []int{1, 1, 1}, []int{4, 4, 4}},
		{"one region", 1, func(c, r int) int { return 0 }, []int{1}, []int{4}},
		{"hole", 2, func(c, r int) int {
			if c == 1 && r == 1 {
				return 1
			}
			return 0
		}, []int{2, 1}, []int{4, 4}},
		// Region 0 touches itself at (6,6): the enclosed centre cell becomes a
		// hole meeting the outer ring at that point.
		{"pinch point", 3, func(c, r int) int {
			switch {
			case c == 1 && r == 1:
				return 1
			case c == 2 && r == 2:
				return 2
			}
			return 0
		}, []int{2, 1, 1}, []int{6, 4, 4}},
		{"L and T shapes", 3, func(c, r int) int {
			switch {
			case c == 0 || r == 0:
				return 0
			case c == 2:
				return 1
			}
			return 2
		}, []int{1, 1, 1}, []int{7, 4, 4}}, // (6,3) is a T-junction and stays
		{"partial labelling", 2, func(c, r int) int {
			if r == 2 {
				return -1
			}
			return min(c, 1)
		}, []int{1, 1}, []int{4, 4}},
		{"unused label", 3, func(c, r int) int { return 2 * min(c, 1) }, []int{1, 0, 1}, []int{4, 0, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, p, labels := grid3(t, c.label)
			polys, err := s.Dissolve(labels, c.n)
			if err != nil {
				t.Fatal(err)
			}
			for l, poly := range polys {
				if len(poly) != c.rings[l] {
					t.Errorf("region %d has %d rings, want %d", l, len(poly), c.rings[l])
				}
				if len(poly) > 0 && len(poly[0])-1 != c.verts[l] {
					t.Errorf("region %d outer ring has %d vertices, want %d: %v", l, len(poly[0])-1, c.verts[l], poly[0])
				}
			}
			checkRegions(t, s, p, labels, polys)
		})
	}
}

func TestDissolvePinchTouchesOnce(t *testing.T) {
	s, _, labels := grid3(t, func(c, r int) int {
		if (c == 1 && r == 1) || (c == 2 && r == 2) {
			return 1
		}
		return 0
	})
	if _, err := s.Dissolve(labels, 2); err == nil {
		t.Fatal("region 1 is two cells touching at a corner; Dissolve should refuse it")
	}
	s, _, labels = grid3(t, func(c, r int) int {
		if c == 1 && r == 1 {
			return 1
		}
		if c == 2 && r == 2 {
			return 2
		}
		return 0
	})
	polys, err := s.Dissolve(labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	shared := 0
	for _, q := range polys[0][1][:len(polys[0][1])-1] {
		for _, o := range polys[0][0] {
			if q == o {
				shared++
			}
		}
	}
	if shared != 1 || polys[0][1].Orientation() != orb.CW {
		t.Errorf("the hole shares %d vertices with the outer ring, want exactly 1; rings %v", shared, polys[0])
	}
}

// TestDissolveConcave dissolves a concave, holed polygon cut by an
// irregular lattice into horizontal bands and checks the shared edges.
func TestDissolveConcave(t *testing.T) {
	p := orb.Polygon{
		{{0, 0}, {20, 0}, {20, 20}, {13, 20}, {13, 6}, {7, 6}, {7, 20}, {0, 20}, {0, 0}},
		square(2.2, 2.2, 4.4, 13.3),
	}
	l := Lattice{X: []float64{1.1, 3.3, 5.5, 9.9, 12.1, 14.3, 18.7}, Y: []float64{1.7, 4.4, 8.8, 11.9, 15.2, 18.1}}
	s, err := Arrange(p, l)
	if err != nil {
		t.Fatal(err)
	}
	checkSubdivision(t, s, p)
	labels := make([]int, len(s.Faces))
	for f, face := range s.Faces {
		switch { // a lower band and the top of each arm
		case face.Row < 3:
			labels[f] = 0
		case face.Col < 4:
			labels[f] = 1
		default:
			labels[f] = 2
		}
	}
	polys, err := s.Dissolve(labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkRegions(t, s, p, labels, polys)
}

func TestDissolveRejects(t *testing.T) {
	s, _, labels := grid3(t, func(c, r int) int { return 0 })
	if _, err := s.Dissolve(labels[:3], 1); err == nil {
		t.Error("short labels accepted")
	}
	if _, err := s.Dissolve(labels, 0); err == nil {
		t.Error("label out of range accepted")
	}
	s, _, labels = grid3(t, func(c, r int) int { return c % 2 })
	if _, err := s.Dissolve(labels, 2); err == nil {
		t.Error("a region in two parts accepted")
	}
}
