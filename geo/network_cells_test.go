package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestCellGridPolygons(t *testing.T) {
	tests := []struct {
		name          string
		rows          []string // north row first; '#' is in
		polys, holes  int
		wantFirstRing orb.Ring
	}{
		{"one cell", []string{"#"}, 1, 0, orb.Ring{{10, 20}, {12, 20}, {12, 22}, {10, 22}, {10, 20}}},
		{"a bar, collinear corners dropped", []string{"###"}, 1, 0, orb.Ring{{10, 20}, {16, 20}, {16, 22}, {10, 22}, {10, 20}}},
		{"a ring with a hole", []string{"###", "#.#", "###"}, 1, 1, nil},
		{"corner-touching cells stay apart", []string{"#.", ".#"}, 2, 0, nil},
		{"hole touching at a corner", []string{"###.", "#.#.", "##.#", "...."}, 2, 0, nil},
		{"two components, hole with an island", []string{"#####", "#...#", "#.#.#", "#...#", "#####", ".....", "##..."}, 3, 1, nil},
		{"nothing", []string{"...", "..."}, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CellGrid{X0: 10, Y0: 20, Size: 2, W: len(tt.rows[0]), H: len(tt.rows)}
			in := make([]bool, c.W*c.H)
			cells := 0
			for r, row := range tt.rows {
				j := c.H - 1 - r
				for i, ch := range row {
					if ch == '#' {
						in[j*c.W+i] = true
						cells++
					}
				}
			}
			mp := c.Polygons(in)
			holes := 0
			for _, p := range mp {
				holes += len(p) - 1
				for k, r := range p {
					want := orb.CCW
					if k > 0 {
						want = orb.CW
					}
					if r.Orientation() != want || !r.Closed() {
						t.Errorf("ring %v: orientation %v or open", r, r.Orientation())
					}
					for v := 1; v+1 < len(r); v++ {
						a, b, c := r[v-1], r[v], r[v+1]
						if (a[0] == b[0] && b[0] == c[0]) || (a[1] == b[1] && b[1] == c[1]) {
							t.Errorf("ring %v: collinear vertex %v", r, b)
						}
					}
				}
			}
			if len(mp) != tt.polys || holes != tt.holes {
				t.Errorf("%d polygons with %d holes, want %d and %d: %v", len(mp), holes, tt.polys, tt.holes, mp)
			}
			if got, want := planar.Area(mp), float64(cells)*c.Size*c.Size; math.Abs(got-want) > 1e-9 {
				t.Errorf("area %v, want %v", got, want)
			}
			for i := 0; i < c.W; i++ {
				for j := 0; j < c.H; j++ {
					if got := planar.MultiPolygonContains(mp, c.Centre(i, j)); got != in[j*c.W+i] {
						t.Errorf("cell (%d,%d): inside %v, want %v", i, j, got, in[j*c.W+i])
					}
				}
			}
			if tt.wantFirstRing != nil && !orb.Equal(mp[0][0], tt.wantFirstRing) {
				t.Errorf("ring %v, want %v", mp[0][0], tt.wantFirstRing)
			}
		})
	}
}
