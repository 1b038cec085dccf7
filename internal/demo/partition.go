package demo

import (
	"math"
	"math/rand/v2"
)

// splitter divides sets of atoms into connected regions. It grows all
// regions at once from their seeds over the atom adjacency (a graph Voronoi
// diagram), so every region is connected by construction: each atom joins
// the region of the neighbour it was reached from. A region stops growing
// once it holds its share of the weight (capacity-constrained growth), which
// balances sizes even across the steep density gradient between town and
// country, where plain weighted Voronoi cells tip over. A few Lloyd steps
// move free seeds to the centre of their region to keep shapes compact.
type splitter struct {
	a     *atoms
	local []int32 // atom → index in the set being split, -1 elsewhere
	mark  []int32 // scratch for atoms.components, all -1 between uses
	heap  growHeap
	// noise holds, per atom of the set being split, the boundary noise
	// (metres) added to its distance from a seed.
	noise []float64
}

func newSplitter(a *atoms) *splitter {
	s := &splitter{a: a, local: make([]int32, a.n), mark: make([]int32, a.n)}
	for i := range s.local {
		s.local[i], s.mark[i] = -1, -1
	}
	return s
}

// wiggle sets the boundary noise for splitting set into k: a few smooth
// waves about as long as a region is wide, a fifth of a region's radius
// high, so boundaries are irregular but not ragged.
func (s *splitter) wiggle(set []int32, k int, rng *rand.Rand) {
	area := 0.0
	for _, f := range set {
		area += s.a.area[f]
	}
	r := math.Sqrt(area / float64(k) / math.Pi)
	var waves [3]wave
	for i := range waves {
		theta := rng.Float64() * 2 * math.Pi
		kk := 2 * math.Pi / (r * (1 + rng.Float64()))
		waves[i] = wave{kk * math.Cos(theta), kk * math.Sin(theta), rng.Float64() * 2 * math.Pi, 0.2 * r / 3}
	}
	s.noise = s.noise[:0]
	for _, f := range set {
		p, n := s.a.cen[f], 0.0
		for _, w := range waves {
			n += w.amp * math.Sin(w.kx*p[0]+w.ky*p[1]+w.phase)
		}
		s.noise = append(s.noise, n)
	}
}

// split divides the edge-connected set into k connected regions whose
// weights (sum of w over their atoms) approach the shares in target. A
// fixed[i] ≥ 0 pins region i's seed to that atom (which must be in set).
// It returns each atom's region, parallel to set. k must not exceed len(set).
func (s *splitter) split(set []int32, k int, target []float64, fixed []int32, w []float64, rng *rand.Rand) []int32 {
	n := len(set)
	lab := make([]int32, n)
	if k <= 1 || n == 0 {
		return lab
	}
	for i, f := range set {
		s.local[f] = int32(i)
	}
	defer func() {
		for _, f := range set {
			s.local[f] = -1
		}
	}()
	seeds := s.seeds(set, k, fixed, w, rng)
	s.wiggle(set, k, rng)
	total, tsum := 0.0, 0.0
	for _, f := range set {
		total += w[f]
	}
	for _, t := range target[:k] {
		tsum += t
	}
	factor := make([]float64, k)
	capacity := make([]float64, k)
	for i := range k {
		factor[i] = 1
		capacity[i] = total * target[i] / tsum * 1.02
	}
	weight := make([]float64, k)
	best, bestScore := make([]int32, n), math.Inf(1)
	const iters = 6
	for it := 0; it < iters; it++ {
		s.grow(set, seeds, factor, capacity, w, lab)
		clear(weight)
		for i, f := range set {
			weight[lab[i]] += w[f]
		}
		score := 0.0
		for i := range k {
			r := (weight[i] + 1e-9) / (capacity[i]/1.02 + 1e-9)
			score = math.Max(score, math.Abs(math.Log(r)))
			// A region left short was hemmed in: let it reach further
			// next time.
			factor[i] *= math.Min(1.25, math.Max(0.8, math.Pow(r, 0.3)))
		}
		if score <= bestScore {
			bestScore = score
			copy(best, lab)
		}
		if it < iters-1 {
			s.lloyd(set, seeds, fixed, lab, w)
		}
	}
	return best
}

// seeds picks k distinct seeds (local indices): the fixed ones, then
// k-means++ style, far from earlier seeds and weighted by w, so dense ground
// gets more seeds.
func (s *splitter) seeds(set []int32, k int, fixed []int32, w []float64, rng *rand.Rand) []int32 {
	a := s.a
	n := len(set)
	seeds := make([]int32, k)
	d2 := make([]float64, n)
	for i := range d2 {
		d2[i] = math.Inf(1)
	}
	eps := 0.0
	for _, f := range set {
		eps += w[f]
	}
	eps = eps/float64(n)*1e-3 + 1e-12
	place := func(i int, l int32) {
		seeds[i] = l
		c := a.cen[set[l]]
		for j, f := range set {
			dx, dy := a.cen[f][0]-c[0], a.cen[f][1]-c[1]
			d2[j] = math.Min(d2[j], dx*dx+dy*dy)
		}
	}
	var free []int
	for i := range k {
		if fixed != nil && fixed[i] >= 0 && s.local[fixed[i]] >= 0 && d2[s.local[fixed[i]]] > 0 {
			place(i, s.local[fixed[i]])
		} else {
			free = append(free, i)
		}
	}
	for _, i := range free {
		sum := 0.0
		for j, f := range set {
			sum += (w[f] + eps) * math.Min(d2[j], 1e18)
		}
		u := rng.Float64() * sum
		pick := int32(-1)
		for j, f := range set {
			v := (w[f] + eps) * math.Min(d2[j], 1e18)
			if v > 0 {
				pick = int32(j)
			}
			if u -= v; u < 0 && v > 0 {
				break
			}
		}
		place(i, pick)
	}
	return seeds
}

// grow assigns every atom of set to a seed, growing all regions at once
// over the atom graph, nearest atoms first: an atom's key is its straight
// distance from the seed plus the boundary noise, scaled by the seed's
// factor. A region stops taking atoms
// once its weight reaches its capacity; atoms left over (cut off by full
// regions) then join the region next to them.
func (s *splitter) grow(set []int32, seeds []int32, factor, capacity, w []float64, lab []int32) {
	a := s.a
	for i := range lab {
		lab[i] = -1
	}
	held := make([]float64, len(seeds))
	h := &s.heap
	h.items = h.items[:0]
	for i, l := range seeds {
		h.push(growItem{math.Inf(-1), l, int32(i)}) // a seed always keeps its own atom
	}
	left := len(lab)
	for pass := 0; pass < 2 && left > 0; pass++ {
		var expanded []bool
		if pass == 1 { // overflow: spread from every labelled atom, no capacity
			expanded = make([]bool, len(lab))
			for i, l := range lab {
				if l >= 0 {
					h.push(growItem{0, int32(i), l})
				}
			}
		}
		for len(h.items) > 0 {
			it := h.pop()
			switch {
			case pass == 1 && lab[it.at] == it.region && !expanded[it.at]:
			case lab[it.at] >= 0:
				continue
			case pass == 0 && held[it.region] >= capacity[it.region]:
				continue
			default:
				lab[it.at] = it.region
				left--
			}
			if pass == 1 {
				expanded[it.at] = true
			}
			f := set[it.at]
			held[it.region] += w[f]
			fac, c := factor[it.region], a.cen[set[seeds[it.region]]]
			for _, g := range a.neighbours(f) {
				lg := s.local[g]
				if lg < 0 || lab[lg] >= 0 {
					continue
				}
				h.push(growItem{fac * (dist(a.cen[g], c) + s.noise[lg]), lg, it.region})
			}
		}
	}
	for i := range lab { // only where set was not connected; callers avoid it
		if lab[i] < 0 {
			lab[i] = 0
		}
	}
}

// lloyd moves each free seed to the atom of its region nearest the region's
// weighted centre.
func (s *splitter) lloyd(set []int32, seeds []int32, fixed []int32, lab []int32, w []float64) {
	a := s.a
	k := len(seeds)
	cx, cy, cw := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, f := range set {
		m := w[f] + 1e-6*a.area[f]
		l := lab[i]
		cx[l] += m * a.cen[f][0]
		cy[l] += m * a.cen[f][1]
		cw[l] += m
	}
	bestD := make([]float64, k)
	for i := range bestD {
		bestD[i] = math.Inf(1)
	}
	next := append([]int32(nil), seeds...)
	for i, f := range set {
		l := lab[i]
		if fixed != nil && fixed[l] >= 0 && s.local[fixed[l]] == seeds[l] {
			continue
		}
		dx, dy := a.cen[f][0]-cx[l]/cw[l], a.cen[f][1]-cy[l]/cw[l]
		if d := dx*dx + dy*dy; d < bestD[l] {
			bestD[l], next[l] = d, int32(i)
		}
	}
	copy(seeds, next)
}

// blob returns atoms reached from seeds through atoms allowed by ok,
// nearest first, until stop says so after taking an atom. It makes blob-shaped, connected areas such as a business district
// or a school.
func (s *splitter) blob(seeds []int32, ok func(int32) bool, stop func(int32) bool, salt uint64) []int32 {
	a := s.a
	h := &s.heap
	h.items = h.items[:0]
	for _, f := range seeds {
		h.push(growItem{0, f, 0})
	}
	// A smooth, lobed outline: distance stretched by a few harmonics of
	// the bearing from the first seed.
	c0 := a.cen[seeds[0]]
	ph1, ph2 := 2*math.Pi*hash01(salt, 1), 2*math.Pi*hash01(salt, 2)
	var out []int32
	for len(h.items) > 0 {
		it := h.pop()
		f := it.at
		if s.mark[f] == -3 {
			continue
		}
		s.mark[f] = -3
		out = append(out, f)
		// Seeds (key 0) all come first and are all taken, so the blob
		// stays connected whatever stop says.
		if stop(f) && len(out) >= len(seeds) {
			break
		}
		for _, g := range a.neighbours(f) {
			if s.mark[g] == -3 || !ok(g) {
				continue
			}
			dx, dy := a.cen[g][0]-c0[0], a.cen[g][1]-c0[1]
			theta := math.Atan2(dy, dx)
			h.push(growItem{math.Hypot(dx, dy) * (1 + 0.25*math.Sin(3*theta+ph1) + 0.12*math.Sin(5*theta+ph2)), g, 0})
		}
	}
	for _, f := range out {
		s.mark[f] = -1
	}
	return out
}

// untilArea and untilCount are stop rules for blob.
func (s *splitter) untilArea(target float64) func(int32) bool {
	area := 0.0
	return func(f int32) bool {
		area += s.a.area[f]
		return area >= target
	}
}

func untilCount(n int) func(int32) bool {
	count := 0
	return func(int32) bool {
		count++
		return count >= n
	}
}

// hash01 is a deterministic hash of (salt, x) in [0, 1) (splitmix64), for
// noise that must not depend on the order things are visited in.
func hash01(salt, x uint64) float64 {
	z := salt*0x9e3779b97f4a7c15 + x + 0x632be59bd9b4e019
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

type growItem struct {
	key    float64
	at     int32 // atom (or local index)
	region int32
}

// growHeap is a binary min-heap on key; ties pop in a fixed order given the
// same pushes, so growth is deterministic.
type growHeap struct{ items []growItem }

func (h *growHeap) push(it growItem) {
	h.items = append(h.items, it)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.items[p].key <= it.key {
			break
		}
		h.items[i] = h.items[p]
		i = p
	}
	h.items[i] = it
}

func (h *growHeap) pop() growItem {
	top := h.items[0]
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	n := len(h.items)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.items[c+1].key < h.items[c].key {
			c++
		}
		if last.key <= h.items[c].key {
			break
		}
		h.items[i] = h.items[c]
		i = c
	}
	if n > 0 {
		h.items[i] = last
	}
	return top
}
