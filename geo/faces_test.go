package geo_test

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
)

func unitSquare(x, y, s float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
}

// A 3×3 board of unit squares; the middle of the bottom edge of the
// bottom-middle square carries an extra node, as noding leaves one.
func board() []orb.Polygon {
	var out []orb.Polygon
	for y := 0.0; y < 3; y++ {
		for x := 0.0; x < 3; x++ {
			out = append(out, unitSquare(x, y, 1))
		}
	}
	out[1] = orb.Polygon{{{1, 0}, {1.5, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 0}}}
	return out
}

func TestFacesDissolve(t *testing.T) {
	node := orb.Point{1.5, 0}
	cases := []struct {
		name   string
		labels []int
		drop   func(orb.Point) bool
		// per region: pieces, holes, area, vertices of the first outer ring
		want [][4]int
	}{
		{"all one", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, nil, [][4]int{{1, 0, 9, 13}}},
		{"all one, node dropped", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, func(p orb.Point) bool { return p == node }, [][4]int{{1, 0, 9, 12}}},
		{"ring with a hole", []int{0, 0, 0, 0, 1, 0, 0, 0, 0}, nil, [][4]int{{1, 1, 8, 13}, {1, 0, 1, 4}}},
		{"two pieces touching at a corner", []int{0, 1, 1, 1, 0, 1, 1, 1, 1}, nil, [][4]int{{2, 0, 2, 4}, {1, 1, 7, 13}}},
		{"left out", []int{-1, 0, 0, -1, 0, 0, -1, 0, 0}, nil, [][4]int{{1, 0, 6, 11}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := geo.NewFaces(board())
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Dissolve(c.labels, len(c.want), c.drop)
			if err != nil {
				t.Fatal(err)
			}
			for l, w := range c.want {
				mp := got[l]
				holes := 0
				for _, p := range mp {
					holes += len(p) - 1
				}
				have := [4]int{len(mp), holes, int(planar.Area(mp) + 0.5), len(mp[0][0]) - 1}
				if have != w {
					t.Errorf("region %d: pieces, holes, area, vertices = %v, want %v: %v", l, have, w, mp)
				}
			}
		})
	}
}

func TestFacesShareVertices(t *testing.T) {
	f, err := geo.NewFaces(board())
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Dissolve([]int{0, 0, 1, 0, 1, 1, 1, 1, 1}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every edge of one region along the other is the other's, reversed.
	edges := map[[2]orb.Point]bool{}
	for _, p := range got[0] {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				edges[[2]orb.Point{r[i], r[i+1]}] = true
			}
		}
	}
	shared := 0
	for _, p := range got[1] {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				if edges[[2]orb.Point{r[i+1], r[i]}] {
					shared++
				}
			}
		}
	}
	if shared != 4 {
		t.Errorf("shared edges %d, want 4: %v", shared, got)
	}
}

func TestFacesRefusesOverlap(t *testing.T) {
	if _, err := geo.NewFaces([]orb.Polygon{unitSquare(0, 0, 1), unitSquare(0, 0, 1)}); err == nil {
		t.Error("two copies of one square must be refused")
	}
}

func TestFacesNeighbours(t *testing.T) {
	f, _ := geo.NewFaces(board())
	n := f.Neighbours(4, 1) // the middle square
	if n[1] != 1 || n[3] != 1 || n[5] != 1 || n[7] != 1 || len(n) != 4 {
		t.Errorf("middle square's neighbours %v", n)
	}
	if n := f.Neighbours(0, 1); n[-1] != 2 {
		t.Errorf("corner square's outside %v", n)
	}
}

func ExampleFaces_Dissolve() {
	faces, _ := geo.NewFaces([]orb.Polygon{unitSquare(0, 0, 1), unitSquare(1, 0, 1), unitSquare(2, 0, 1)})
	regions, _ := faces.Dissolve([]int{0, 0, 1}, 2, nil)
	fmt.Println(regions[0])
	fmt.Println(regions[1])
	// Output:
	// [[[[0 0] [1 0] [2 0] [2 1] [1 1] [0 1] [0 0]]]]
	// [[[[2 0] [3 0] [3 1] [2 1] [2 0]]]]
}

func TestWeldFaces(t *testing.T) {
	// Two squares whose shared edge was noded twice, a round-off apart,
	// and a sliver between the two copies.
	eps := 1e-10
	left := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	right := orb.Polygon{{{1 + eps, 0}, {2, 0}, {2, 1}, {1 + eps, 1}, {1 + eps, 0}}}
	sliver := orb.Polygon{{{1, 0}, {1 + eps, 0}, {1 + eps, 1}, {1, 1}, {1, 0}}}
	keep := func(p orb.Point) bool { return p[0] == 0 || p[0] == 1 || p[0] == 2 }
	faces := geo.WeldFaces([]orb.Polygon{left, sliver, right}, 1e-6, keep)
	if len(faces) != 2 {
		t.Fatalf("%d faces, want the sliver gone: %v", len(faces), faces)
	}
	f, err := geo.NewFaces(faces)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Neighbours(0, 1); n[1] != 1 {
		t.Errorf("the squares do not share their edge after welding: %v", n)
	}
}

func TestCloseJunctions(t *testing.T) {
	// A parent's straight edge and its child's edge with a vertex a
	// round-off off it.
	parent := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}}
	child := orb.MultiPolygon{{{{0, 0}, {5, 1e-10}, {10, 0}, {10, 5}, {0, 5}, {0, 0}}}}
	line := orb.LineString{{2, -1}, {2, 11}}
	shapes, lines := geo.CloseJunctions([]orb.MultiPolygon{parent, child}, []orb.LineString{line}, 1e-6)
	if got := shapes[0][0][0]; len(got) != 8 || got[1] != (orb.Point{5, 1e-10}) || got[3] != (orb.Point{10, 5}) {
		t.Errorf("parent ring %v", got)
	}
	if len(shapes[1][0][0]) != 6 || len(lines[0]) != 2 {
		t.Errorf("child %v, line %v: nothing lies on their edges", shapes[1], lines[0])
	}
}
