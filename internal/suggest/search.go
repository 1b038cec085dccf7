package suggest

import (
	"math"
	"slices"
)

// move is one atom moving to another part, with what it changes.
type move struct {
	a  int32
	to int
	d  cost
}

// byDelta orders moves best first: the largest gap closed, then the fewest
// households moved, then the better shape; atom and part break ties so
// that the search is deterministic.
func byDelta(x, y move) int {
	switch {
	case x.d.less(y.d):
		return -1
	case y.d.less(x.d):
		return 1
	case x.a != y.a:
		return int(x.a - y.a)
	}
	return x.to - y.to
}

// moves lists every move of an atom into a part it borders.
func (p *Partition) moves(buf []move) []move {
	buf = buf[:0]
	var tos []int
	for a := range p.g.Atoms {
		if p.frozen != nil && p.frozen[a] {
			continue
		}
		from := p.Label[a]
		tos = tos[:0]
		for _, l := range p.g.Links[a] {
			to := p.Label[l.To]
			if to == from || slices.Contains(tos, to) || (p.closed != nil && p.closed[to]) {
				continue
			}
			tos = append(tos, to)
			d, _, _ := p.delta(int32(a), to)
			buf = append(buf, move{int32(a), to, d})
		}
	}
	return buf
}

// descend improves p in place: it first closes band gaps (repair), then
// takes any move that lowers the cost without opening a gap (polish).
// Every move keeps every part in one piece. budget bounds the moves.
func (p *Partition) descend(budget int) {
	var buf []move
	for ; budget > 0; budget-- {
		if p.cost().gap <= costEps {
			break
		}
		buf = p.moves(buf)
		if m, ok := p.firstValid(buf, func(d cost) bool { return d.gap < -costEps }); ok {
			p.move(m.a, m.to)
			continue
		}
		if !p.chain() {
			break
		}
	}
	for ; budget > 0; budget-- {
		buf = p.moves(buf)
		m, ok := p.firstValid(buf, func(d cost) bool {
			return d.gap <= costEps && (d.moved < -0.5 || (math.Abs(d.moved) <= 0.5 && d.shape < -costEps))
		})
		if !ok {
			break
		}
		p.move(m.a, m.to)
	}
}

// firstValid is the best of the moves that want accepts whose atom can
// leave its part.
func (p *Partition) firstValid(ms []move, want func(cost) bool) (move, bool) {
	var ok []move
	for _, m := range ms {
		if want(m.d) {
			ok = append(ok, m)
		}
	}
	slices.SortFunc(ok, byDelta)
	for _, m := range ok {
		if p.canLeave(m.a) {
			return m, true
		}
	}
	return move{}, false
}

// chain looks for two moves that together close some gap where no single
// move does (an ejection chain): a part over the band pushes an atom into
// a neighbour that passes one on, or a part under it pulls one from a
// neighbour that takes one from further on. It applies the best pair and
// reports whether there was one.
func (p *Partition) chain() bool {
	first := p.moves(nil)
	var best [2]move
	var bestD cost
	found := false
	var buf []move
	for _, m1 := range first {
		from := p.Label[m1.a]
		if p.partGap(p.parts[from]) <= costEps && p.partGap(p.parts[m1.to]) <= costEps {
			continue
		}
		if !p.canLeave(m1.a) {
			continue
		}
		p.move(m1.a, m1.to)
		buf = p.moves(buf)
		slices.SortFunc(buf, byDelta)
		for _, m2 := range buf {
			if m2.a == m1.a || (p.Label[m2.a] != m1.to && m2.to != from) {
				continue
			}
			total := m1.d.add(m2.d)
			if total.gap >= -costEps || (found && !total.less(bestD)) {
				continue
			}
			if p.canLeave(m2.a) {
				best, bestD, found = [2]move{m1, m2}, total, true
				break // buf is sorted: later m2 are no better with this m1
			}
		}
		p.move(m1.a, from)
	}
	if found {
		p.move(best[0].a, best[0].to)
		p.move(best[1].a, best[1].to)
	}
	return found
}

// connect makes every part one piece: the smaller pieces of a part go to
// the neighbouring part they share the longest boundary with. Parts left
// empty stay empty.
func (p *Partition) connect() {
	for changed := true; changed; {
		changed = false
		for part := range p.parts {
			comps := p.components(part)
			if len(comps) < 2 {
				continue
			}
			slices.SortFunc(comps, func(x, y []int32) int { return p.weight(y) - p.weight(x) })
			for _, c := range comps[1:] {
				to := p.neighbourOf(c, part)
				if to < 0 {
					continue
				}
				for _, a := range c {
					p.move(a, to)
				}
				changed = true
			}
		}
	}
}

// weight ranks pieces: households, or atoms where there are none.
func (p *Partition) weight(c []int32) int {
	w := 0
	for _, a := range c {
		w += int(p.g.Atoms[a].Households)*1000 + 1
	}
	return w
}

// neighbourOf is the part other than part sharing the longest boundary
// with the atoms c.
func (p *Partition) neighbourOf(c []int32, part int) int {
	shared := map[int]float64{}
	for _, a := range c {
		for _, l := range p.g.Links[a] {
			if to := p.Label[l.To]; to != part {
				shared[to] += l.LengthM
			}
		}
	}
	best, bestL := -1, 0.0
	for to, l := range shared {
		if l > bestL || (l == bestL && to < best) {
			best, bestL = to, l
		}
	}
	return best
}
