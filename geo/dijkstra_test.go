package geo

import (
	"math"
	"testing"
)

// testNetwork is a hand-made graph (costs in metres):
//
//	0 --100-- 1 --50-- 2        5 --10-- 6   (a second component)
//	|                  |
//	300               100
//	|                  |
//	3 ------200------- 4
//
// Links are given in both orientations on purpose: walking is two-way.
func testNetwork(t *testing.T) *Network {
	t.Helper()
	g, err := NewNetwork(7, []Link{
		{From: 0, To: 1, Cost: 100},
		{From: 2, To: 1, Cost: 50},
		{From: 0, To: 3, Cost: 300},
		{From: 4, To: 2, Cost: 100},
		{From: 3, To: 4, Cost: 200},
		{From: 6, To: 5, Cost: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var inf = math.Inf(1)

func TestReach(t *testing.T) {
	g := testNetwork(t)
	tests := []struct {
		name       string
		origins    []Origin
		limit      float64
		wantDist   []float64
		wantOrigin []int32
	}{
		{"one node, no limit", []Origin{NodeOrigin(0)}, inf,
			[]float64{0, 100, 150, 300, 250, inf, inf}, []int32{0, 0, 0, 0, 0, -1, -1}},
		{"limit is inclusive", []Origin{NodeOrigin(0)}, 150,
			[]float64{0, 100, 150, inf, inf, inf, inf}, []int32{0, 0, 0, -1, -1, -1, -1}},
		{"two origins split the network", []Origin{NodeOrigin(0), NodeOrigin(4)}, inf,
			[]float64{0, 100, 100, 200, 0, inf, inf}, []int32{0, 0, 1, 1, 1, -1, -1}},
		{"against the link's orientation", []Origin{NodeOrigin(2)}, inf,
			[]float64{150, 50, 0, 300, 100, inf, inf}, []int32{0, 0, 0, 0, 0, -1, -1}},
		{"other component only", []Origin{NodeOrigin(5)}, inf,
			[]float64{inf, inf, inf, inf, inf, 0, 10}, []int32{-1, -1, -1, -1, -1, 0, 0}},
		{"origin on a link with an off-network leg",
			[]Origin{{Position: Position{Link: 0, T: 0.25}, Cost: 5}}, inf,
			[]float64{30, 80, 130, 330, 230, inf, inf}, []int32{0, 0, 0, 0, 0, -1, -1}},
		{"leg longer than the limit reaches nothing",
			[]Origin{{Position: Position{Link: 0, T: 0.5}, Cost: 90}}, 80,
			[]float64{inf, inf, inf, inf, inf, inf, inf}, []int32{-1, -1, -1, -1, -1, -1, -1}},
		{"no origins", nil, inf,
			[]float64{inf, inf, inf, inf, inf, inf, inf}, []int32{-1, -1, -1, -1, -1, -1, -1}},
	}
	s := g.NewSearch() // reused across cases: each run must reset the last
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := s.Run(tt.origins, tt.limit)
			for v := range tt.wantDist {
				if f.Dist[v] != tt.wantDist[v] || f.Origin[v] != tt.wantOrigin[v] {
					t.Errorf("node %d: dist %v origin %d, want %v and %d", v, f.Dist[v], f.Origin[v], tt.wantDist[v], tt.wantOrigin[v])
				}
			}
			reached := 0
			for _, d := range tt.wantDist {
				if !math.IsInf(d, 1) {
					reached++
				}
			}
			if len(f.Reached) != reached {
				t.Errorf("reached %d nodes, want %d", len(f.Reached), reached)
			}
		})
	}
}

func TestFieldAt(t *testing.T) {
	g := testNetwork(t)
	tests := []struct {
		name       string
		origins    []Origin
		at         Position
		want       float64
		wantOrigin int32
	}{
		{"through the nearer end", []Origin{NodeOrigin(0)}, Position{Link: 4, T: 0.5}, 350, 0},
		{"through the other end", []Origin{NodeOrigin(0)}, Position{Link: 4, T: 0.9}, 250 + 20, 0},
		{"same link, directly", []Origin{{Position: Position{Link: 0, T: 0.25}, Cost: 5}}, Position{Link: 0, T: 0.5}, 30, 0},
		{"same link, the nearer of two", []Origin{NodeOrigin(1), {Position: Position{Link: 4, T: 0.125}, Cost: 1}},
			Position{Link: 4, T: 0.375}, 51, 1},
		{"unreachable component", []Origin{NodeOrigin(0)}, Position{Link: 5, T: 0.5}, inf, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, origin := g.Reach(tt.origins, inf).At(tt.at)
			if got != tt.want || origin != tt.wantOrigin {
				t.Errorf("At = %v (origin %d), want %v (origin %d)", got, origin, tt.want, tt.wantOrigin)
			}
		})
	}
}

func TestNewNetworkRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		l    Link
	}{
		{"node out of range", Link{From: 0, To: 2, Cost: 1}},
		{"negative node", Link{From: -1, To: 0, Cost: 1}},
		{"negative cost", Link{From: 0, To: 1, Cost: -1}},
		{"NaN cost", Link{From: 0, To: 1, Cost: math.NaN()}},
		{"infinite cost", Link{From: 0, To: 1, Cost: inf}},
	} {
		if _, err := NewNetwork(2, []Link{tt.l}); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

// TestReachMatchesBellmanFord compares the search with a plain relaxation
// on a pseudo-random graph with parallel links and loops.
func TestReachMatchesBellmanFord(t *testing.T) {
	const n = 300
	var links []Link
	x := uint32(7)
	rnd := func(m uint32) uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x % m }
	for range 900 {
		links = append(links, Link{From: int32(rnd(n)), To: int32(rnd(n)), Cost: float64(rnd(1000)) / 7})
	}
	g, err := NewNetwork(n, links)
	if err != nil {
		t.Fatal(err)
	}
	origins := []Origin{NodeOrigin(3), NodeOrigin(150), {Position: Position{Link: 10, T: 0.3}, Cost: 12}}
	for _, limit := range []float64{50, 200, inf} {
		want := make([]float64, n)
		for v := range want {
			want[v] = inf
		}
		want[3], want[150] = 0, 0
		l := links[10]
		want[l.From] = math.Min(want[l.From], 12+0.3*l.Cost)
		want[l.To] = math.Min(want[l.To], 12+0.7*l.Cost)
		for changed := true; changed; {
			changed = false
			for _, l := range links {
				for _, e := range [][2]int32{{l.From, l.To}, {l.To, l.From}} {
					if d := want[e[0]] + l.Cost; d < want[e[1]] {
						want[e[1]], changed = d, true
					}
				}
			}
		}
		f := g.Reach(origins, limit)
		for v := range want {
			w := want[v]
			if w > limit {
				w = inf
			}
			if math.Abs(f.Dist[v]-w) > 1e-9 && !(math.IsInf(w, 1) && math.IsInf(f.Dist[v], 1)) {
				t.Fatalf("limit %v, node %d: %v, want %v", limit, v, f.Dist[v], w)
			}
		}
	}
}
