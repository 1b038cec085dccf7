package suggest

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
)

// sweepDirections is how many directions the sweeps cut along: every
// 22.5°, enough that one of them runs within 11° of any street grid.
const sweepDirections = 8

// SplitGraph partitions all of g's atoms into k contiguous parts, each
// within band where that can be done, and returns distinct partitions best
// first (at most max): the band gap, then Score. Starting points are the
// best bisections found exhaustively (two parts, up to exhaustiveAtoms
// atoms), sweeps across the ground in several directions (cut where the
// households reach 1/k, 2/k, ...) and regions grown from seeds spread
// over it; each is made contiguous and improved by the local search.
func SplitGraph(g *Graph, band domain.Band, k, max int) ([]*Partition, error) {
	if k < 2 {
		return nil, fmt.Errorf("suggest: a split needs at least 2 parts, not %d", k)
	}
	if len(g.Atoms) < k {
		return nil, fmt.Errorf("suggest: %d atoms cannot make %d parts", len(g.Atoms), k)
	}
	var starts [][]int
	if k == 2 {
		starts = bisections(g, band, 2*max)
	}
	for d := range sweepDirections {
		starts = append(starts, sweep(g, k, math.Pi*float64(d)/sweepDirections))
	}
	for _, s := range spreadStarts(g) {
		starts = append(starts, grow(g, seedsFrom(g, s, k)))
	}
	budget := 20*len(g.Atoms) + 50
	seen := map[string]bool{}
	var out []*Partition
	for _, labels := range starts {
		p := NewPartition(g, band, labels, k)
		p.connect()
		if slices.ContainsFunc(p.parts, func(s partSums) bool { return s.atoms == 0 }) {
			continue
		}
		p.descend(budget)
		key := canonical(p.Label, k)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(x, y *Partition) int {
		cx, cy := x.cost(), y.cost()
		if math.Abs(cx.gap-cy.gap) > costEps {
			return cmp.Compare(cx.gap, cy.gap)
		}
		return cmp.Compare(x.Score(), y.Score())
	})
	return out[:min(len(out), max)], nil
}

// Score ranks partitions whose gaps are equal, lower first: the shape
// cost (1 for one disc-like part, more for elongated parts and for cuts
// away from streets) plus half of how far the least centred part sits
// from the middle of the band (1 − balance.Fit).
func (p *Partition) Score() float64 {
	fit := 1.0
	for _, s := range p.parts {
		fit = math.Min(fit, balance.Fit(p.band, s.persons, s.households))
	}
	return p.cost().shape + 0.5*(1-fit)
}

// canonical names a partition up to the numbering of its parts.
func canonical(labels []int, k int) string {
	rename := make([]int, k)
	for i := range rename {
		rename[i] = -1
	}
	next := 0
	b := make([]byte, len(labels))
	for a, l := range labels {
		if rename[l] < 0 {
			rename[l] = next
			next++
		}
		b[a] = byte('a' + rename[l])
	}
	return string(b)
}

// atomWeight is what sweeps and growth share out: households, or area
// on ground where nobody lives.
func atomWeight(g *Graph, a int) float64 {
	if h := g.Atoms[a].Households; h > 0 {
		return float64(h)
	}
	return 1e-6 * g.Atoms[a].AreaM2
}

// sweep cuts the atoms, ordered along direction angle, into k runs of
// equal weight.
func sweep(g *Graph, k int, angle float64) []int {
	dx, dy := math.Cos(angle), math.Sin(angle)
	order := make([]int, len(g.Atoms))
	total := 0.0
	for a := range order {
		order[a] = a
		total += atomWeight(g, a)
	}
	at := func(a int) float64 { c := g.Atoms[a].Centre; return c[0]*dx + c[1]*dy }
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(at(x), at(y)) })
	labels := make([]int, len(order))
	part, sum := 0, 0.0
	for _, a := range order {
		w := atomWeight(g, a)
		if part < k-1 && sum+w/2 > total*float64(part+1)/float64(k) {
			part++
		}
		labels[a] = part
		sum += w
	}
	return labels
}

// spreadStarts are atoms at the ground's extremes in several directions:
// first seeds of as many different growths.
func spreadStarts(g *Graph) []int {
	var out []int
	for d := range sweepDirections {
		angle := 2 * math.Pi * float64(d) / sweepDirections
		dx, dy := math.Cos(angle), math.Sin(angle)
		best, bestV := 0, math.Inf(-1)
		for a, at := range g.Atoms {
			if v := at.Centre[0]*dx + at.Centre[1]*dy; v > bestV {
				best, bestV = a, v
			}
		}
		if !slices.Contains(out, best) {
			out = append(out, best)
		}
	}
	return out
}

// seedsFrom picks k seeds by farthest-point sampling from first.
func seedsFrom(g *Graph, first, k int) []int {
	seeds := []int{first}
	dist := make([]float64, len(g.Atoms))
	for a := range dist {
		dist[a] = math.Inf(1)
	}
	for len(seeds) < k {
		last := g.Atoms[seeds[len(seeds)-1]].Centre
		best, bestD := -1, -1.0
		for a, at := range g.Atoms {
			dist[a] = math.Min(dist[a], math.Hypot(at.Centre[0]-last[0], at.Centre[1]-last[1]))
			if dist[a] > bestD && !slices.Contains(seeds, a) {
				best, bestD = a, dist[a]
			}
		}
		seeds = append(seeds, best)
	}
	return seeds
}

// grow grows one region from each seed, the lightest region taking next
// the free atom that shares the most boundary with it, until no region
// can grow; atoms no region reached join a neighbour's region.
func grow(g *Graph, seeds []int) []int {
	labels := make([]int, len(g.Atoms))
	for a := range labels {
		labels[a] = -1
	}
	weight := make([]float64, len(seeds))
	for i, s := range seeds {
		labels[s] = i
		weight[i] = atomWeight(g, s)
	}
	stuck := make([]bool, len(seeds))
	for {
		r := -1
		for i := range seeds {
			if !stuck[i] && (r < 0 || weight[i] < weight[r]) {
				r = i
			}
		}
		if r < 0 {
			break
		}
		best, bestL := -1, 0.0
		shared := map[int32]float64{}
		for a := range g.Atoms {
			if labels[a] != r {
				continue
			}
			for _, l := range g.Links[a] {
				if labels[l.To] < 0 {
					shared[l.To] += l.LengthM
				}
			}
		}
		for a, l := range shared {
			if l > bestL || (l == bestL && int(a) < best) {
				best, bestL = int(a), l
			}
		}
		if best < 0 {
			stuck[r] = true
			continue
		}
		labels[best] = r
		weight[r] += atomWeight(g, best)
	}
	for changed := true; changed; {
		changed = false
		for a := range labels {
			if labels[a] >= 0 {
				continue
			}
			for _, l := range g.Links[a] {
				if labels[l.To] >= 0 {
					labels[a], changed = labels[l.To], true
					break
				}
			}
		}
	}
	for a := range labels {
		labels[a] = max(labels[a], 0) // ground cut off from every region
	}
	return labels
}
