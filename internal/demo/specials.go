package demo

import (
	"math"

	"github.com/gridplan/gridplan/internal/domain"
)

// placeSpecials draws the third-level special grids of communities
// (schools, hospitals, markets, parks, government compounds), enough that
// with the business district's and the park's own third-level grids they
// number about 549 × scale. Each is a small connected blob inside one
// community; about 30% carve their ground out of the base grids, the rest
// overlay them (and may cross base grid boundaries).
func (b *build) placeSpecials() error {
	rng := b.rng(stageSpecials)
	top3 := 0
	var comms []int
	for i, g := range b.grids {
		switch {
		case g.role == roleTop3:
			top3++
		case g.role == roleComm:
			comms = append(comms, i)
		}
	}
	want := max(0, round(erqiSpecials3*b.opts.Scale)-top3)
	w := make([]float64, len(comms))
	caps := make([]int, len(comms))
	for i, c := range comms {
		p, _ := b.tally(b.grids[c].atoms)
		w[i] = math.Pow(float64(p)+1, 0.7) * (0.5 + rng.Float64())
		caps[i] = len(b.grids[c].atoms) / 25
		b.grids[c].urban = b.urbanOf(b.grids[c].atoms)
	}
	counts := apportion(w, want, 0, caps)
	used := make([]bool, b.at.n)
	names := map[string]bool{}
	for ci, c := range comms {
		community := b.grids[c]
		carved := 0
		for range counts[ci] {
			k := 0
			for r := rng.Float64(); k < len(specialKinds)-1; k++ {
				if r -= specialKinds[k].share; r < 0 {
					break
				}
			}
			kind := specialKinds[k]
			size := kind.rural
			if community.urban > 0.5 {
				size = kind.urban
			}
			n := size[0] + rng.IntN(size[1]-size[0]+1)
			mode := domain.ModeOverlay
			if rng.Float64() < kind.carveOutChance && carved+n <= len(community.atoms)/2 {
				mode = domain.ModeCarveOut
			}
			seed := int32(-1)
			for range 30 {
				f := community.atoms[rng.IntN(len(community.atoms))]
				if !used[f] {
					seed = f
					break
				}
			}
			if seed < 0 {
				continue
			}
			set := b.sp.blob([]int32{seed}, func(f int32) bool { return !used[f] && b.owner[1][f] == int32(c) },
				untilCount(n), rng.Uint64())
			for _, f := range set {
				used[f] = true
			}
			if mode == domain.ModeCarveOut {
				carved += len(set)
			}
			b.addGrid(grid{name: specialName(community.name, kind.names[rng.IntN(len(kind.names))], names) + "专属网格",
				level: 3, parent: c, kind: domain.KindSpecial, category: kind.category, mode: mode, role: roleSpecial, atoms: set})
		}
		b.reconnect(c)
	}
	return nil
}

// specialName names an institution after its community (淮河小学), with an
// ordinal when the name is taken (淮河第二小学). Special grids and
// facilities use it.
func specialName(community, suffix string, taken map[string]bool) string {
	s := stem(community)
	name := s + suffix
	for k := 2; taken[name]; k++ {
		name = s + "第" + cnNumber(k) + suffix
	}
	taken[name] = true
	return name
}

// reconnect keeps community c's base ground connected after carve-outs: a
// piece cut off by carved grids joins the carve-out grid next to it.
func (b *build) reconnect(c int) {
	var rest []int32
	for _, f := range b.grids[c].atoms {
		if b.owner[2][f] < 0 {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return
	}
	comps := b.at.components(rest, b.sp.mark)
	for _, comp := range comps[1:] {
		into := int32(-1)
		for _, f := range comp {
			for _, g := range b.at.neighbours(f) {
				if o := b.owner[2][g]; o >= 0 && b.grids[o].parent == c && into < 0 {
					into = o
				}
			}
		}
		if into < 0 {
			continue // cannot happen: the community is connected
		}
		b.grids[into].atoms = append(b.grids[into].atoms, comp...)
		for _, f := range comp {
			b.owner[2][f] = into
		}
	}
}

// labelGrids splits each community's base ground into third-level grids:
// round(1,441 × scale) in all, shared by population (rural communities get
// a few more per person, being spread out), each community's grids balanced
// but with deliberate outliers.
func (b *build) labelGrids() error {
	rng := b.rng(stageGrids3)
	var comms []int
	var rests [][]int32
	var w []float64
	var caps []int
	for i, g := range b.grids {
		if g.role != roleComm {
			continue
		}
		var rest []int32
		for _, f := range g.atoms {
			if b.owner[2][f] < 0 {
				rest = append(rest, f)
			}
		}
		_, wt := b.tally(rest)
		comms = append(comms, i)
		rests = append(rests, rest)
		w = append(w, wt*(1+0.8*(1-g.urban)))
		caps = append(caps, len(rest))
	}
	counts := apportion(w, round(erqiGrids3*b.opts.Scale), 1, caps)
	for i, c := range comms {
		k := counts[i]
		if k == 0 {
			continue
		}
		lab := b.sp.split(rests[i], k, shares(k, rng, 0.15, 0.13), nil, b.weight, rng)
		for l := range k {
			b.addGrid(grid{level: 3, parent: c, kind: domain.KindBase, role: roleGrid, atoms: members(rests[i], lab, int32(l))})
		}
	}
	return nil
}

// labelMicroGrids splits base grids into round(6,281 × scale) micro-grids
// by population, and each carve-out special grid into one to three.
func (b *build) labelMicroGrids() error {
	rng := b.rng(stageGrids4)
	var base []int
	for i, g := range b.grids {
		if g.role == roleGrid {
			base = append(base, i)
		}
	}
	for i, c := range b.allocate(base, round(erqiGrids4*b.opts.Scale)) {
		b.splitGrid(base[i], c, roleMicro, rng, 0.2, 0.08)
	}
	for i := range b.grids {
		if g := b.grids[i]; g.role == roleSpecial && g.mode == domain.ModeCarveOut {
			b.splitGrid(i, 1+rng.IntN(3), roleSpecialMicro, rng, 0.2, 0)
		}
	}
	return nil
}
