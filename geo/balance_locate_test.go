package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func squareMP(x, y, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}
}

// disc is a regular n-gon round (cx, cy): a polygon with many segments, so
// the slab index is used.
func disc(cx, cy, r float64, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// fixturePolygons: a 4×4 tiling of 10 m squares (ids 0-15), a 200-gon
// with a square hole overlapping them (16), a two-part polygon (17) and an
// empty slot (18).
func fixturePolygons() []orb.MultiPolygon {
	var polys []orb.MultiPolygon
	for row := range 4 {
		for col := range 4 {
			polys = append(polys, squareMP(float64(col)*10, float64(row)*10, 10))
		}
	}
	d := disc(20, 20, 15, 200)
	d = append(d, orb.Ring{{18, 18}, {18, 22}, {22, 22}, {22, 18}, {18, 18}}) // hole, clockwise
	polys = append(polys, orb.MultiPolygon{d})
	polys = append(polys, append(squareMP(50, 0, 5), squareMP(50, 30, 5)...))
	polys = append(polys, nil)
	return polys
}

// bruteContaining is the reference: orb's ray casting on every polygon.
// It is used on random points, which are never on a boundary.
func bruteContaining(polys []orb.MultiPolygon, q orb.Point) []int {
	var out []int
	for id, mp := range polys {
		if len(mp) > 0 && planar.MultiPolygonContains(mp, q) {
			out = append(out, id)
		}
	}
	return out
}

func sorted(ids []int) []int {
	slices.Sort(ids)
	return ids
}

func TestPointLocatorMatchesBruteForce(t *testing.T) {
	polys := fixturePolygons()
	l := NewPointLocator(polys)
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(polys []orb.MultiPolygon) {
		t.Helper()
		for range 20000 {
			q := orb.Point{-5 + 65*rng.Float64(), -5 + 50*rng.Float64()}
			got, want := sorted(l.Containing(q, nil)), bruteContaining(polys, q)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: got %v, want %v", q, got, want)
			}
		}
	}
	check(polys)

	// Reshape, remove and add polygons, then check again.
	polys[5] = squareMP(12, 12, 6)
	l.Set(5, polys[5])
	polys[16] = nil
	l.Set(16, nil)
	polys = append(polys, orb.MultiPolygon{disc(30, 10, 4, 60)})
	l.Set(len(polys)-1, polys[len(polys)-1])
	polys[0] = squareMP(-20, -20, 30) // beyond the cells: the locator rebuilds
	l.Set(0, polys[0])
	check(polys)
}

func TestPointLocatorBoundaries(t *testing.T) {
	l := NewPointLocator(fixturePolygons())
	tests := []struct {
		name string
		q    orb.Point
		want []int
	}{
		{"interior", orb.Point{5, 5}, []int{0}},
		{"shared edge", orb.Point{10, 5}, []int{0, 1}},
		{"shared vertex of four squares (and in the disc)", orb.Point{10, 10}, []int{0, 1, 4, 5, 16}},
		{"outer corner", orb.Point{0, 0}, []int{0}},
		{"hole boundary counts", orb.Point{18, 20}, []int{5, 9, 16}},
		{"inside the hole", orb.Point{20.5, 20.5}, []int{10}},
		{"second part", orb.Point{52, 32}, []int{17}},
		{"outside everything", orb.Point{100, 100}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sorted(l.Containing(tt.q, nil)); !slices.Equal(got, tt.want) {
				t.Errorf("Containing(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestPointBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([]orb.Point, 5000)
	for i := range pts {
		pts[i] = orb.Point{1000 * rng.Float64(), 300 * rng.Float64()}
	}
	b := NewPointBuckets(pts, 8)
	for range 200 {
		x, y := 1100*rng.Float64()-50, 400*rng.Float64()-50
		r := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + 80*rng.Float64(), y + 80*rng.Float64()}}
		var want []int32
		for i, p := range pts {
			if r.Contains(p) {
				want = append(want, int32(i))
			}
		}
		got := b.InBound(r, nil)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("InBound(%v): %d points, want %d", r, len(got), len(want))
		}
	}
	if got := NewPointBuckets(nil, 8).InBound(orb.Bound{Max: orb.Point{1, 1}}, nil); len(got) != 0 {
		t.Fatal("no points, no hits")
	}
}
