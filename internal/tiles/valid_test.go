package tiles_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// TestNoCutsNearTiles checks the demo's tiled levels at z10-z14: every
// coordinate stays in the range MapLibre accepts (±2 tile widths), and a
// grid drawn in two side-by-side tiles has the same shape in both, shifted
// by one tile. A polygon cut at the tile's edge instead draws the cut as a
// seam across the map.
func TestNoCutsNearTiles(t *testing.T) {
	ts, _, centre := demoServer(t)
	for _, level := range []int{3, 4} {
		for z := maptile.Zoom(10); z <= 14; z++ {
			here := maptile.At(centre, z)
			a := tileFeatures(t, ts.URL, level, here)
			shared := 0
			for _, n := range []struct {
				tile   maptile.Tile
				dx, dy float64
			}{{maptile.New(here.X+1, here.Y, z), 4096, 0}, {maptile.New(here.X, here.Y+1, z), 0, 4096}} {
				b := tileFeatures(t, ts.URL, level, n.tile)
				for id, ga := range a {
					gb, ok := b[id]
					if !ok {
						continue
					}
					shared++
					for _, g := range []orb.Geometry{ga, gb} {
						if bd := g.Bound(); bd.Min[0] < -8192 || bd.Min[1] < -8192 || bd.Max[0] > 12288 || bd.Max[1] > 12288 {
							t.Fatalf("level %d z%d grid %v: coordinates %v beyond what MapLibre accepts", level, z, id, bd)
						}
					}
					if d := maxShift(ga, gb, n.dx, n.dy); d > 1 {
						t.Errorf("level %d z%d grid %v differs by %.0f units between tiles %v and %v: cut near the tile", level, z, id, d, here, n.tile)
					}
				}
			}
			if z >= 12 && shared == 0 {
				t.Errorf("level %d z%d: no grid in %v and a neighbour; the test proves nothing", level, z, here)
			}
		}
	}
}

func tileFeatures(t *testing.T, base string, level int, tile maptile.Tile) map[any]orb.Geometry {
	t.Helper()
	status, _, body := get(t, fmt.Sprintf("%s/tiles/demo-level-%d/%d/%d/%d.mvt", base, level, tile.Z, tile.X, tile.Y))
	out := map[any]orb.Geometry{}
	if status == 204 {
		return out
	}
	layers, err := mvt.Unmarshal(body)
	if status != 200 || err != nil || len(layers) != 1 {
		t.Fatalf("tile %v: %d %v", tile, status, err)
	}
	for _, f := range layers[0].Features {
		out[f.ID] = f.Geometry
	}
	return out
}

// maxShift is the largest coordinate difference between a and b once b is
// moved by (dx, dy); +Inf when their structure differs.
func maxShift(a, b orb.Geometry, dx, dy float64) float64 {
	pa, pb := points(a), points(b)
	if len(pa) != len(pb) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range pa {
		d = math.Max(d, math.Max(math.Abs(pa[i][0]-(pb[i][0]+dx)), math.Abs(pa[i][1]-(pb[i][1]+dy))))
	}
	return d
}

func points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, points(p)...)
		}
	}
	return out
}
