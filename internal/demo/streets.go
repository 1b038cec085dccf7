package demo

import (
	"math"
	"math/rand/v2"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// labelStreets splits the district, less the park, into the planned
// streets, balanced on population against a target of (2 + communities):
// streets with more communities hold more people, and the rural streets,
// being sparse, come out large. Streets with a known seat grow from it.
func (b *build) labelStreets() error {
	rng := b.rng(stageStreets)
	set := b.unowned(0)
	k := len(b.streets)
	if k > len(set) {
		return errInvalid("the outline is too small for the streets")
	}
	fixed := make([]int32, k)
	target := make([]float64, k)
	for i, s := range b.streets {
		fixed[i] = -1
		if s.hasSeed {
			fixed[i] = b.nearestAtom(s.seed, set, nil)
		}
		target[i] = float64(2 + len(s.comms))
	}
	lab := b.sp.split(set, k, target, fixed, b.weight, rng)
	for i, s := range b.streets {
		b.addGrid(grid{code: s.code, name: s.name, level: 1, parent: -1, kind: domain.KindBase, role: roleStreet,
			atoms: members(set, lab, int32(i))})
	}
	return nil
}

// labelCommunities splits every street into its communities. Community
// seats inside their street pin their community's seed.
func (b *build) labelCommunities() error {
	rng := b.rng(stageComms)
	for si, s := range b.streets {
		street := b.streetIndex(si)
		set := b.grids[street].atoms
		k := min(len(s.comms), len(set))
		fixed := make([]int32, k)
		for i := range fixed {
			fixed[i] = -1
			if c := s.comms[i]; c.hasSeed {
				if f := b.nearestAtom(c.seed, set, nil); f >= 0 && dist(b.at.cen[f], c.seed) < 60 {
					fixed[i] = f
				}
			}
		}
		lab := b.sp.split(set, k, shares(k, rng, 0.2, 0.06), fixed, b.weight, rng)
		for i := range k {
			b.addGrid(grid{code: s.comms[i].code, name: s.comms[i].name, level: 2, parent: street,
				kind: domain.KindBase, role: roleComm, atoms: members(set, lab, int32(i))})
		}
	}
	return nil
}

// streetIndex returns the grid index of the si-th planned street: streets
// are added right after the park, in plan order.
func (b *build) streetIndex(si int) int { return b.park + 1 + si }

// members returns the atoms of set labelled l.
func members(set []int32, lab []int32, l int32) []int32 {
	var out []int32
	for i, f := range set {
		if lab[i] == l {
			out = append(out, f)
		}
	}
	return out
}

// shares returns k relative size targets: mostly near 1 with some spread,
// and a fraction of deliberate outliers (much larger or much smaller), so
// the balance audit finds split and merge candidates.
func shares(k int, rng *rand.Rand, spread, outliers float64) []float64 {
	t := make([]float64, k)
	for i := range t {
		t[i] = 1 + spread*(2*rng.Float64()-1)
		if k > 1 {
			switch r := rng.Float64(); {
			case r < outliers/2:
				t[i] *= 2.0 + 0.6*rng.Float64()
			case r < outliers:
				t[i] *= 0.3 + 0.15*rng.Float64()
			}
		}
	}
	return t
}

func dist(p, q orb.Point) float64 {
	dx, dy := p[0]-q[0], p[1]-q[1]
	return math.Sqrt(dx*dx + dy*dy)
}
