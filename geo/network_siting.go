package geo

// Pick is one candidate chosen by [GreedyCover]: its index, the weight it
// adds to what the earlier picks cover, and the items it newly covers.
type Pick struct {
	Candidate int32
	Gain      int64
	Items     []int32
}

// GreedyCover chooses up to k of n candidates one after another, each the
// one that covers the largest weight of items not yet covered — the greedy
// answer to maximum coverage, within 1 − 1/e of the best k. covers[i] lists
// the candidates that would cover item i, and weight[i] is its weight (the
// persons of a unit, say). Ties go to the lower candidate index. It stops
// early when no candidate adds anything.
func GreedyCover(n int, weight []int64, covers [][]int32, k int) []Pick {
	gain := make([]int64, n)
	start := make([]int32, n+1)
	for i, cs := range covers {
		for _, c := range cs {
			gain[c] += weight[i]
			start[c+1]++
		}
	}
	for c := range n {
		start[c+1] += start[c]
	}
	items := make([]int32, start[n]) // the items each candidate covers, by candidate
	next := append([]int32(nil), start[:n]...)
	for i, cs := range covers {
		for _, c := range cs {
			items[next[c]] = int32(i)
			next[c]++
		}
	}
	covered := make([]bool, len(covers))
	var picks []Pick
	for len(picks) < k {
		best := -1
		for c, g := range gain {
			if g > 0 && (best < 0 || g > gain[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		p := Pick{Candidate: int32(best), Gain: gain[best]}
		for _, i := range items[start[best]:start[best+1]] {
			if covered[i] {
				continue
			}
			covered[i] = true
			p.Items = append(p.Items, i)
			for _, c := range covers[i] {
				gain[c] -= weight[i]
			}
		}
		picks = append(picks, p)
	}
	return picks
}
