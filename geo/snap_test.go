package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestSnapperNearest(t *testing.T) {
	lines := []orb.LineString{
		{{0, 0}, {100, 0}, {100, 100}}, // an L, 200 m long
		{{200, 0}, {300, 0}},
		{{0, 200}, {0, 200}}, // degenerate: a point
	}
	s := NewSnapper(lines)
	tests := []struct {
		name string
		p    orb.Point
		want Snap
	}{
		{"beside the first leg", orb.Point{30, 10}, Snap{Position{0, 0.15}, 10, orb.Point{30, 0}}},
		{"beside the second leg", orb.Point{110, 50}, Snap{Position{0, 0.75}, 10, orb.Point{100, 50}}},
		{"past the end clamps to it", orb.Point{320, 0}, Snap{Position{1, 1}, 20, orb.Point{300, 0}}},
		{"on the line", orb.Point{250, 0}, Snap{Position{1, 0.5}, 0, orb.Point{250, 0}}},
		{"the nearer of two lines", orb.Point{160, 5}, Snap{Position{1, 0}, math.Hypot(40, 5), orb.Point{200, 0}}},
		{"a zero-length line", orb.Point{3, 204}, Snap{Position{2, 0}, 5, orb.Point{0, 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Nearest(tt.p)
			if !ok {
				t.Fatal("no snap")
			}
			if got.Link != tt.want.Link || math.Abs(got.T-tt.want.T) > 1e-12 ||
				math.Abs(got.Dist-tt.want.Dist) > 1e-9 || got.Point != tt.want.Point {
				t.Errorf("Nearest(%v) = %+v, want %+v", tt.p, got, tt.want)
			}
		})
	}
	if _, ok := NewSnapper(nil).Nearest(orb.Point{1, 1}); ok {
		t.Error("an empty snapper found something")
	}
}

// TestSnapperMatchesScan checks the indexed search against trying every
// segment, on a dense pseudo-random set of lines.
func TestSnapperMatchesScan(t *testing.T) {
	x := uint32(11)
	rnd := func() float64 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return float64(x%100000) / 100 }
	var lines []orb.LineString
	for range 400 {
		ls := orb.LineString{{rnd(), rnd()}}
		for range 3 {
			p := ls[len(ls)-1]
			ls = append(ls, orb.Point{p[0] + rnd()/20 - 25, p[1] + rnd()/20 - 25})
		}
		lines = append(lines, ls)
	}
	s := NewSnapper(lines)
	for range 2000 {
		p := orb.Point{rnd(), rnd()}
		got, _ := s.Nearest(p)
		best := math.Inf(1)
		for _, sg := range s.segs {
			q, _ := closest(sg, p)
			best = math.Min(best, math.Hypot(q[0]-p[0], q[1]-p[1]))
		}
		if math.Abs(got.Dist-best) > 1e-9 {
			t.Fatalf("Nearest(%v) at %v, a scan finds %v", p, got.Dist, best)
		}
	}
}

// BenchmarkSnapper indexes a street network's worth of segments and snaps
// places to it, as a cold service-circles audit does.
func BenchmarkSnapper(b *testing.B) {
	x := uint32(7)
	rnd := func() float64 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return float64(x%1000000) / 100 }
	var lines []orb.LineString
	for range 100000 {
		ls := orb.LineString{{rnd(), rnd()}}
		for range 3 {
			p := ls[len(ls)-1]
			ls = append(ls, orb.Point{p[0] + rnd()/500 - 10, p[1] + rnd()/500 - 10})
		}
		lines = append(lines, ls)
	}
	places := make([]orb.Point, 20000)
	for i := range places {
		places[i] = orb.Point{rnd(), rnd()}
	}
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			NewSnapper(lines)
		}
	})
	s := NewSnapper(lines)
	b.Run("nearest", func(b *testing.B) {
		for b.Loop() {
			for _, p := range places {
				s.Nearest(p)
			}
		}
	})
}

func TestSnapperNaN(t *testing.T) {
	s := NewSnapper([]orb.LineString{{{0, 0}, {1, 0}}})
	if _, ok := s.Nearest(orb.Point{math.NaN(), 0}); ok {
		t.Error("a point that is not a number snapped")
	}
}
