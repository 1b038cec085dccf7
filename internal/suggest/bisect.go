package suggest

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
)

// exhaustiveAtoms is the most atoms a two-part split is searched
// exhaustively over: 2^17 subsets, a few milliseconds. Grids cut along
// their child grids (a dozen or so) are all below it, so for them the best
// two-part split is found, not approximated.
const exhaustiveAtoms = 18

// bisections lists the best ways, at most want, to cut all of g's atoms
// into two contiguous parts, by band gap and then Score, trying every
// subset that holds atom 0.
func bisections(g *Graph, band domain.Band, want int) [][]int {
	n := len(g.Atoms)
	if n < 2 || n > exhaustiveAtoms {
		return nil
	}
	adj := make([]uint32, n)
	for a, ls := range g.Links {
		for _, l := range ls {
			adj[a] |= 1 << l.To
		}
	}
	all := uint32(1)<<n - 1
	type found struct {
		set        uint32
		gap, score float64
	}
	var best []found
	for set := uint32(1); set < all; set += 2 { // atom 0 always in the first part
		if !connected(set, adj) || !connected(all&^set, adj) {
			continue
		}
		var s [2]partSums
		for a, at := range g.Atoms {
			side := 1
			if set&(1<<a) != 0 {
				side = 0
			}
			x := &s[side]
			x.households += at.Households
			x.persons += at.Persons
			x.areaM2 += at.AreaM2
			x.weightedM += at.OuterM
			for _, l := range g.Links[a] {
				if (set&(1<<l.To) != 0) != (side == 0) {
					x.weightedM += weighted(l)
				}
			}
		}
		f := found{set: set}
		fit := 1.0
		for _, x := range s {
			f.gap += gap(band, x.persons, x.households)
			f.score += partShape(x) / 2
			fit = math.Min(fit, balance.Fit(band, x.persons, x.households))
		}
		f.score += 0.5 * (1 - fit)
		best = append(best, f)
		if len(best) > 4*want {
			best = trim(best, want, func(x, y found) int { return cmp.Or(cmp.Compare(x.gap, y.gap), cmp.Compare(x.score, y.score)) })
		}
	}
	best = trim(best, want, func(x, y found) int { return cmp.Or(cmp.Compare(x.gap, y.gap), cmp.Compare(x.score, y.score)) })
	out := make([][]int, len(best))
	for i, f := range best {
		labels := make([]int, n)
		for a := range labels {
			if f.set&(1<<a) == 0 {
				labels[a] = 1
			}
		}
		out[i] = labels
	}
	return out
}

func trim[T any](xs []T, n int, compare func(a, b T) int) []T {
	slices.SortStableFunc(xs, compare)
	return xs[:min(n, len(xs))]
}

// connected reports whether the atoms in set (a bit mask) are one piece.
func connected(set uint32, adj []uint32) bool {
	if set == 0 {
		return false
	}
	reached := set & -set
	for {
		grown := reached
		for rest := reached; rest != 0; rest &= rest - 1 {
			grown |= adj[bits.TrailingZeros32(rest)] & set
		}
		if grown == reached {
			return reached == set
		}
		reached = grown
	}
}
