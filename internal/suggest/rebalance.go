package suggest

import (
	"fmt"
	"math"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
)

// Rebalancing is a re-partition of a parent's ground decided by
// Rebalance: parts [0, grids) are the grids there are (Home labels),
// parts from grids on are new grids.
type Rebalancing struct {
	*Partition
	Grids int
	// Merges are the grids merged away, {r, R}: grid r is merged into grid
	// R (its ground and children go there), in this order, before anything
	// else moves.
	Merges [][2]int
	// CutFrom[j] is the grid new part j was first cut from.
	CutFrom map[int]int
}

// Rebalance re-partitions g's atoms among target parts so that every part
// is within band, moving as few households as it can. It starts from the
// grids as they are (each atom in its Home part); when target is more
// than the grids, the grids furthest over the band are first cut in two
// (the smaller half a new grid); when fewer, the grids furthest under it
// (the least populous first) are merged into the neighbour with the most
// room. Then the local search moves boundary atoms between neighbouring
// parts, keeping every part in one piece: first to close band gaps (the
// move that closes most with the fewest households, or a two-move chain
// where no single move helps), then to undo moves the band does not need
// and to straighten boundaries without moving more households.
//
// Atoms in frozen (nil for none) stay in their grid: a rebalancing whose
// moves cannot be ordered into ops (Steps) is searched again with the
// atoms that waited on one another kept home.
func Rebalance(g *Graph, band domain.Band, grids, target int, frozen []bool) (*Rebalancing, error) {
	if target < 1 {
		return nil, fmt.Errorf("suggest: cannot rebalance into %d grids", target)
	}
	labels := make([]int, len(g.Atoms))
	for a, at := range g.Atoms {
		labels[a] = at.Home
	}
	n := max(grids, target)
	p := NewPartition(g, band, labels, n)
	p.countMoves = true
	p.closed = make([]bool, n)
	p.frozen = frozen
	rb := &Rebalancing{Partition: p, Grids: grids, CutFrom: map[int]int{}}
	for j := grids; j < target; j++ {
		if err := rb.cutNew(j); err != nil {
			return nil, err
		}
	}
	for removed := 0; grids-removed > target; removed++ {
		if !rb.mergeAway() {
			break
		}
	}
	p.descend(40*len(g.Atoms) + 100)
	return rb, nil
}

// cutNew makes new part j out of the half of the grid furthest over the
// band that holds fewer households.
func (rb *Rebalancing) cutNew(j int) error {
	p := rb.Partition
	from, worst := -1, -1.0
	for part := range rb.Grids {
		s := p.parts[part]
		if s.atoms < 2 || p.closed[part] {
			continue
		}
		if over := excess(p.band, s); over > worst {
			from, worst = part, over
		}
	}
	if from < 0 {
		return fmt.Errorf("suggest: no grid has two atoms to cut a new grid from")
	}
	var atoms []int32
	for a := range p.g.Atoms {
		if p.Label[a] == from {
			atoms = append(atoms, int32(a))
		}
	}
	sub := p.g.sub(atoms)
	halves, err := SplitGraph(sub, p.band, 2, 1)
	if err != nil {
		return err
	}
	h := halves[0]
	smaller := 0
	if h.parts[1].households < h.parts[0].households {
		smaller = 1
	}
	for i, a := range atoms {
		if h.Label[i] == smaller {
			p.move(a, j)
		}
	}
	rb.CutFrom[j] = from
	return nil
}

// excess is how far a part's households or persons exceed the band's
// maxima, relative to them; parts within ranked by size.
func excess(b domain.Band, s partSums) float64 {
	e := gap(domain.Band{MaxPersons: b.MaxPersons, MaxHouseholds: b.MaxHouseholds}, s.persons, s.households)
	return e + 1e-9*float64(s.households)
}

// mergeAway merges the least populous grid under the band (or the least
// populous of all when none is under) into the neighbour it leaves
// nearest the band; it reports whether there was one to merge.
func (rb *Rebalancing) mergeAway() bool {
	p := rb.Partition
	r, under := -1, false
	for part := range rb.Grids {
		s := p.parts[part]
		if p.closed[part] || s.atoms == 0 {
			continue
		}
		u := bandOf(p.band, s.persons, s.households) == "under"
		if r < 0 || (u && !under) || (u == under && s.households < p.parts[r].households) {
			r, under = part, u
		}
	}
	if r < 0 {
		return false
	}
	var atoms []int32
	for a := range p.g.Atoms {
		if p.Label[a] == r {
			atoms = append(atoms, int32(a))
		}
	}
	shared := map[int]float64{}
	for _, a := range atoms {
		for _, l := range p.g.Links[a] {
			if to := p.Label[l.To]; to != r && !p.closed[to] {
				shared[to] += l.LengthM
			}
		}
	}
	best, bestGap := -1, math.Inf(1)
	for to, length := range shared {
		t := p.parts[to]
		s := p.parts[r]
		after := gap(p.band, t.persons+s.persons, t.households+s.households) - 1e-9*length
		if after < bestGap || (after == bestGap && to < best) {
			best, bestGap = to, after
		}
	}
	if best < 0 {
		return false
	}
	for _, a := range atoms {
		p.move(a, best)
	}
	p.closed[r] = true
	rb.Merges = append(rb.Merges, [2]int{r, best})
	return true
}

// sub is the graph of some of g's atoms: links to the others become outer
// boundary. It has no faces: it is for searching, not tracing.
func (g *Graph) sub(atoms []int32) *Graph {
	index := make(map[int32]int32, len(atoms))
	for i, a := range atoms {
		index[a] = int32(i)
	}
	out := &Graph{Atoms: make([]Atom, len(atoms)), Links: make([][]Link, len(atoms))}
	for i, a := range atoms {
		at := g.Atoms[a]
		for _, l := range g.Links[a] {
			if j, ok := index[l.To]; ok {
				out.Links[i] = append(out.Links[i], Link{To: j, LengthM: l.LengthM, StreetM: l.StreetM})
			} else {
				at.OuterM += l.LengthM
			}
		}
		at.Home = 0
		out.Atoms[i] = at
	}
	return out
}

// Moved is the households and ground (m²) that leave their grid.
func (rb *Rebalancing) Moved() (households int64, areaM2 float64) {
	for a, at := range rb.g.Atoms {
		if rb.Label[a] != at.Home {
			households += at.Households
			areaM2 += at.AreaM2
		}
	}
	return households, areaM2
}

// Open lists the parts that end up with ground: the grids kept and the
// new ones.
func (rb *Rebalancing) Open() []int {
	var out []int
	for part := range rb.parts {
		if !rb.closed[part] && rb.parts[part].atoms > 0 {
			out = append(out, part)
		}
	}
	return slices.Clip(out)
}
