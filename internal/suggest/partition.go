package suggest

import (
	"math"

	"github.com/gridplan/gridplan/internal/domain"
)

// offStreetWeight is what a metre of cut costs away from streets, against
// one along a street: the searches prefer boundaries on streets, where
// residents and grid workers expect them, but cut between buildings
// where the band needs it.
const offStreetWeight = 2.5

// Partition is an assignment of a graph's atoms to parts, with each
// part's sums kept up to date as atoms move.
type Partition struct {
	g     *Graph
	band  domain.Band
	Label []int // by atom: its part
	parts []partSums
	// Home-aware searches count the households that leave their grid.
	countMoves bool
	// closed parts (grids merged away) take no atoms and count no gap.
	closed []bool
	// frozen atoms do not move (nil: none).
	frozen []bool

	seen  []uint32 // connectivity scratch: stamp per atom
	stamp uint32
	queue []int32
}

type partSums struct {
	households, persons int64
	atoms               int
	areaM2              float64
	perimeterM          float64 // plain
	weightedM           float64 // off-street cuts weighted by offStreetWeight
}

// NewPartition assigns atom a to part labels[a] of n parts.
func NewPartition(g *Graph, band domain.Band, labels []int, n int) *Partition {
	p := &Partition{g: g, band: band, Label: append([]int(nil), labels...), parts: make([]partSums, n),
		seen: make([]uint32, len(g.Atoms))}
	p.recount()
	return p
}

// Parts is the number of parts.
func (p *Partition) Parts() int { return len(p.parts) }

func (p *Partition) recount() {
	for i := range p.parts {
		p.parts[i] = partSums{}
	}
	for a, at := range p.g.Atoms {
		s := &p.parts[p.Label[a]]
		s.households += at.Households
		s.persons += at.Persons
		s.atoms++
		s.areaM2 += at.AreaM2
		s.perimeterM += at.OuterM
		s.weightedM += at.OuterM
		for _, l := range p.g.Links[a] {
			if p.Label[l.To] != p.Label[a] {
				s.perimeterM += l.LengthM
				s.weightedM += weighted(l)
			}
		}
	}
}

func weighted(l Link) float64 { return l.StreetM + offStreetWeight*(l.LengthM-l.StreetM) }

// cost is what the searches minimise, compared in order: the band gap,
// then the households moved out of their grid (rebalancing only), then
// shape: the parts' mean of P²/4πA with off-street cuts weighted (the
// inverse of Polsby–Popper, which prefers compact parts cut along
// streets).
type cost struct{ gap, moved, shape float64 }

const costEps = 1e-9

func (c cost) less(d cost) bool {
	if math.Abs(c.gap-d.gap) > costEps {
		return c.gap < d.gap
	}
	if math.Abs(c.moved-d.moved) > 0.5 {
		return c.moved < d.moved
	}
	return c.shape < d.shape-costEps
}

func (c cost) add(d cost) cost { return cost{c.gap + d.gap, c.moved + d.moved, c.shape + d.shape} }

func (p *Partition) partGap(s partSums) float64 {
	if s.atoms == 0 && p.closed != nil {
		return 0 // a grid merged away (only rebalancing closes parts)
	}
	return gap(p.band, s.persons, s.households)
}

func partShape(s partSums) float64 {
	if !(s.areaM2 > 0) {
		return 0
	}
	return s.weightedM * s.weightedM / (4 * math.Pi * s.areaM2)
}

// Cost is the partition's cost.
func (p *Partition) cost() cost {
	var c cost
	for _, s := range p.parts {
		c.gap += p.partGap(s)
		c.shape += partShape(s) / float64(len(p.parts))
	}
	for a, at := range p.g.Atoms {
		if p.countMoves && p.Label[a] != at.Home {
			c.moved += float64(at.Households)
		}
	}
	return c
}

// delta is the change of cost if atom a moved to part to, and the two
// parts' sums after it.
func (p *Partition) delta(a int32, to int) (cost, partSums, partSums) {
	at := p.g.Atoms[a]
	from := p.Label[a]
	var inFrom, inTo, total, wFrom, wTo, wTotal float64
	for _, l := range p.g.Links[a] {
		w := weighted(l)
		total += l.LengthM
		wTotal += w
		switch p.Label[l.To] {
		case from:
			inFrom += l.LengthM
			wFrom += w
		case to:
			inTo += l.LengthM
			wTo += w
		}
	}
	f, t := p.parts[from], p.parts[to]
	nf, nt := f, t
	nf.households -= at.Households
	nf.persons -= at.Persons
	nf.atoms--
	nf.areaM2 -= at.AreaM2
	nf.perimeterM += 2*inFrom - at.OuterM - total
	nf.weightedM += 2*wFrom - at.OuterM - wTotal
	nt.households += at.Households
	nt.persons += at.Persons
	nt.atoms++
	nt.areaM2 += at.AreaM2
	nt.perimeterM += at.OuterM + total - 2*inTo
	nt.weightedM += at.OuterM + wTotal - 2*wTo
	var d cost
	d.gap = p.partGap(nf) + p.partGap(nt) - p.partGap(f) - p.partGap(t)
	d.shape = (partShape(nf) + partShape(nt) - partShape(f) - partShape(t)) / float64(len(p.parts))
	if p.countMoves {
		switch at.Home {
		case from:
			d.moved = float64(at.Households)
		case to:
			d.moved = -float64(at.Households)
		}
	}
	return d, nf, nt
}

// move puts atom a into part to.
func (p *Partition) move(a int32, to int) {
	_, nf, nt := p.delta(a, to)
	p.parts[p.Label[a]], p.parts[to] = nf, nt
	p.Label[a] = to
}

// canLeave reports whether atom a can leave its part: the part keeps
// another atom and stays in one piece without it.
func (p *Partition) canLeave(a int32) bool {
	from := p.Label[a]
	if p.parts[from].atoms <= 1 {
		return false
	}
	var start int32 = -1
	inPart := 0
	for _, l := range p.g.Links[a] {
		if p.Label[l.To] == from {
			inPart++
			start = l.To
		}
	}
	if inPart == 0 {
		return true // a piece on its own: its part can only come together without it
	}
	if inPart == 1 {
		return true // a leaf of its part
	}
	return p.reach(start, from, a) == p.parts[from].atoms-1
}

// reach counts the atoms of part reachable from start without passing
// through atom skip.
func (p *Partition) reach(start int32, part int, skip int32) int {
	p.nextStamp()
	p.seen[skip] = p.stamp
	p.seen[start] = p.stamp
	q := append(p.queue[:0], start)
	for k := 0; k < len(q); k++ {
		for _, l := range p.g.Links[q[k]] {
			if p.Label[l.To] == part && p.seen[l.To] != p.stamp {
				p.seen[l.To] = p.stamp
				q = append(q, l.To)
			}
		}
	}
	p.queue = q
	return len(q)
}

func (p *Partition) nextStamp() {
	p.stamp++
	if p.stamp == 0 {
		clear(p.seen)
		p.stamp = 1
	}
}

// components lists the pieces of part.
func (p *Partition) components(part int) [][]int32 {
	p.nextStamp()
	var out [][]int32
	for a := range p.g.Atoms {
		if p.Label[a] != part || p.seen[a] == p.stamp {
			continue
		}
		p.seen[a] = p.stamp
		comp := []int32{int32(a)}
		for k := 0; k < len(comp); k++ {
			for _, l := range p.g.Links[comp[k]] {
				if p.Label[l.To] == part && p.seen[l.To] != p.stamp {
					p.seen[l.To] = p.stamp
					comp = append(comp, l.To)
				}
			}
		}
		out = append(out, comp)
	}
	return out
}

// borders reports whether atom a touches part.
func (p *Partition) borders(a int32, part int) bool {
	for _, l := range p.g.Links[a] {
		if p.Label[l.To] == part {
			return true
		}
	}
	return false
}
