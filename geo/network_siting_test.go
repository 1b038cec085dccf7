package geo

import (
	"reflect"
	"testing"
)

func TestGreedyCover(t *testing.T) {
	// Items 0..4 with weights; candidates 0..3.
	weight := []int64{10, 5, 5, 8, 0}
	covers := [][]int32{
		{0, 1},    // item 0
		{1},       // item 1
		{1, 2},    // item 2
		{2, 3},    // item 3
		{0, 1, 3}, // item 4 weighs nothing
	}
	tests := []struct {
		name string
		k    int
		want []Pick
	}{
		{"best first, then what is left", 3, []Pick{
			{Candidate: 1, Gain: 20, Items: []int32{0, 1, 2, 4}},
			{Candidate: 2, Gain: 8, Items: []int32{3}},
		}},
		{"k limits", 1, []Pick{{Candidate: 1, Gain: 20, Items: []int32{0, 1, 2, 4}}}},
		{"k zero", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GreedyCover(4, weight, covers, tt.k); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("GreedyCover = %+v, want %+v", got, tt.want)
			}
		})
	}
	// Ties go to the lower index.
	if got := GreedyCover(3, []int64{1, 1}, [][]int32{{2}, {1}}, 1); got[0].Candidate != 1 {
		t.Errorf("tie went to candidate %d", got[0].Candidate)
	}
	if got := GreedyCover(2, nil, nil, 3); got != nil {
		t.Errorf("nothing to cover gave %+v", got)
	}
}

// TestLazyGreedyCoverMatchesGreedy checks the lazy form against the plain
// one on pseudo-random instances, with loose bounds.
func TestLazyGreedyCoverMatchesGreedy(t *testing.T) {
	x := uint32(5)
	rnd := func(m uint32) uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x % m }
	for round := range 20 {
		n, items := 30, 200
		weight := make([]int64, items)
		covers := make([][]int32, items)
		for i := range items {
			weight[i] = int64(rnd(1000)) // distinct-ish gains, few ties
			for range rnd(4) {
				if c := int32(rnd(uint32(n))); !containsItem(covers[i], c) {
					covers[i] = append(covers[i], c)
				}
			}
		}
		want := GreedyCover(n, weight, covers, 6)
		byCand := make([][]int32, n)
		for i, cs := range covers {
			for _, c := range cs {
				byCand[c] = append(byCand[c], int32(i))
			}
		}
		gain := func(c int32, covered []bool) (int64, []int32) {
			var g int64
			var its []int32
			for _, i := range byCand[c] {
				if !covered[i] && !containsItem(its, i) {
					g += weight[i]
					its = append(its, i)
				}
			}
			return g, its
		}
		bound := func(c int32) int64 { g, _ := gain(c, make([]bool, items)); return 2*g + 5 }
		got := LazyGreedyCover(n, bound, gain, items, 6)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d picks, want %d", round, len(got), len(want))
		}
		for i := range want {
			if got[i].Candidate != want[i].Candidate || got[i].Gain != want[i].Gain {
				t.Fatalf("round %d pick %d: %+v, want %+v", round, i, got[i], want[i])
			}
		}
	}
}

func containsItem(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
