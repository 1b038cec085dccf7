package suggest

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPartitionDeltaMatchesRecount(t *testing.T) {
	g := mustBuild(t, latticeGround(t, 5, 5, 10, 3, func(i, _ int) int { return min(i/2, 2) },
		func(i, j int) int64 { return int64(10 + 7*i + 3*j) }))
	labels := make([]int, len(g.Atoms))
	for a, at := range g.Atoms {
		labels[a] = at.Home
	}
	p := NewPartition(g, gridBand, labels, 3)
	p.countMoves = true
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		ms := p.moves(nil)
		m := ms[rng.IntN(len(ms))]
		if !p.canLeave(m.a) {
			continue
		}
		before := p.cost()
		p.move(m.a, m.to)
		after := p.cost()
		fresh := NewPartition(g, gridBand, p.Label, 3)
		fresh.countMoves = true
		for i := range p.parts {
			x, y := p.parts[i], fresh.parts[i]
			if x.households != y.households || x.persons != y.persons || x.atoms != y.atoms ||
				math.Abs(x.perimeterM-y.perimeterM) > 1e-9 || math.Abs(x.weightedM-y.weightedM) > 1e-9 {
				t.Fatalf("part %d kept incrementally %+v, recounted %+v", i, x, y)
			}
		}
		d := before.add(m.d)
		if math.Abs(d.gap-after.gap) > 1e-9 || math.Abs(d.moved-after.moved) > 1e-9 || math.Abs(d.shape-after.shape) > 1e-9 {
			t.Fatalf("move %+v: cost %+v + delta %+v = %+v, recounted %+v", m, before, m.d, d, after)
		}
		if !connectedParts(g, p.Label, 3) {
			t.Fatalf("move %+v cut a part in two", m)
		}
	}
}

func TestCanLeave(t *testing.T) {
	// One row of four cells: grid 0 holds cells 0–2, grid 1 cell 3.
	g := mustBuild(t, latticeGround(t, 4, 1, 10, 2, func(i, _ int) int { return i / 3 }, uniform40))
	p := NewPartition(g, gridBand, []int{0, 0, 0, 1}, 2)
	for a, want := range []bool{true, false, true, false} {
		if got := p.canLeave(int32(a)); got != want {
			t.Errorf("cell %d: canLeave %v, want %v (the middle holds its grid together; the last is its grid's only cell)", a, got, want)
		}
	}
}
