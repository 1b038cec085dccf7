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
