package suggest

import (
	"slices"
	"testing"
)

func TestMaxAssignment(t *testing.T) {
	for _, c := range []struct {
		gain [][]float64
		want []int
	}{
		{[][]float64{{1}}, []int{0}},
		{[][]float64{{1, 9}, {8, 2}}, []int{1, 0}},
		{[][]float64{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}}, []int{0, 2, 1}},             // 4 + 5 + 2 = 11
		{[][]float64{{7, 7, 1}, {7, 1, 1}, {1, 1, 1}}, []int{1, 0, 2}},             // 7 + 7 + 1
		{[][]float64{{0, 0, 0}, {0, 10, 0}, {10, 0, 0}}, []int{2, 1, 0}},           // rows of zeros take what is left
		{[][]float64{{5, 4, 3, 2}, {4, 3, 2, 1}, {3, 2, 1, 0}, {9, 9, 9, 9}}, nil}, // any optimum: checked by value
	} {
		got := maxAssignment(c.gain)
		total := 0.0
		for i, j := range got {
			total += c.gain[i][j]
		}
		if best := bestAssignment(c.gain); total != best {
			t.Errorf("%v: assignment %v gains %v, the best is %v", c.gain, got, total, best)
		}
		if c.want != nil && !slices.Equal(got, c.want) {
			t.Errorf("%v: assignment %v, want %v", c.gain, got, c.want)
		}
	}
}

// bestAssignment tries every permutation.
func bestAssignment(gain [][]float64) float64 {
	n := len(gain)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := -1.0
	var try func(k int)
	try = func(k int) {
		if k == n {
			s := 0.0
			for i, j := range perm {
				s += gain[i][j]
			}
			best = max(best, s)
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			try(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	try(0)
	return best
}

func TestKMeansRegions(t *testing.T) {
	g := mustBuild(t, latticeGround(t, 6, 6, 10, 1, oneGrid, uniform40))
	labels := KMeansRegions(g, 4, 30)
	sums := make([]int64, 4)
	for a, l := range labels {
		sums[l] += g.Atoms[a].Households
	}
	for i, s := range sums {
		if s < 280 || s > 440 {
			t.Errorf("region %d holds %d households of 1440, far from a quarter: %v", i, s, sums)
		}
	}
	// Matched to homes: with a single home grid, region 0 is the one that
	// keeps most households.
	m := MatchRegions(g, labels, 4, 1)
	if slices.Max(m) != 3 || slices.Min(m) != 0 {
		t.Errorf("matched labels %v", m)
	}
}
