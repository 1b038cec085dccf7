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
// the candidates that would cover item i, each once, and weight[i] is its
// weight (the persons of a unit, say). Ties go to the lower candidate index. It stops
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

// LazyGreedyCover makes the same choices as [GreedyCover] (up to ties)
// without knowing every candidate's gain in advance: bound(c) must be at
// least what candidate c covers when nothing is covered yet, and gain(c,
// covered) returns what c covers among the items not yet covered (the
// expensive part: a search from the candidate, say). Candidates are
// re-evaluated only while their bound could still beat the best exact gain
// — gains only shrink as more is covered, so a stale gain is a bound too.
func LazyGreedyCover(n int, bound func(c int32) int64, gain func(c int32, covered []bool) (int64, []int32),
	items int, k int) []Pick {
	return LazyGreedyCoverRefined(n, bound, gain, nil, items, k)
}

// LazyGreedyCoverRefined is [LazyGreedyCover] on coarse candidates with a
// second look before each pick is taken: refine gets the pick and what is
// covered so far and returns the pick to take instead (a better site near
// the chosen one, say: Candidate may then name something else), whose
// Items are covered. Picks still only shrink what later candidates gain,
// so the lazy bounds stay valid. A nil refine takes picks as they are.
func LazyGreedyCoverRefined(n int, bound func(c int32) int64, gain func(c int32, covered []bool) (int64, []int32),
	refine func(p Pick, covered []bool) Pick, items int, k int) []Pick {
	h := make(boundHeap, 0, n)
	for c := range n {
		if b := bound(int32(c)); b > 0 {
			h = append(h, boundItem{c: int32(c), b: b, round: -1})
		}
	}
	h.init()
	covered := make([]bool, items)
	var picks []Pick
	for len(picks) < k && len(h) > 0 {
		top := h[0]
		if top.round == len(picks) { // exact for what is covered now: the best
			h.popTop()
			p := Pick{Candidate: top.c, Gain: top.b, Items: top.items}
			if refine != nil {
				p = refine(p, covered)
			}
			for _, i := range p.Items {
				covered[i] = true
			}
			picks = append(picks, p)
			continue
		}
		g, its := gain(top.c, covered)
		if g <= 0 {
			h.popTop()
			continue
		}
		h[0] = boundItem{c: top.c, b: g, round: len(picks), items: its}
		h.down(0)
	}
	return picks
}

// boundItem is a candidate with a bound on its gain; round is the number
// of picks made when the bound was computed exactly (-1: never).
type boundItem struct {
	c     int32
	b     int64
	round int
	items []int32
}

// boundHeap is a binary max-heap on b, ties to the lower candidate.
type boundHeap []boundItem

func (h boundHeap) less(i, j int) bool {
	return h[i].b > h[j].b || (h[i].b == h[j].b && h[i].c < h[j].c)
}

func (h boundHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h boundHeap) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h.less(c+1, c) {
			c++
		}
		if !h.less(c, i) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

func (h *boundHeap) popTop() {
	a := *h
	a[0] = a[len(a)-1]
	*h = a[:len(a)-1]
	h.down(0)
}
