package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// placeBusinessDistrict draws 二七商圈, the first-level overlay special grid
// that ignores street boundaries. It grows from the point where exactly
// three streets meet nearest to 二七广场, over those three streets only, so
// it lies across exactly three of them. Should no three streets meet
// inside the district (they may meet only on the outline when there are
// few), it grows from the atom closest to three streets until it has met
// three, then over those three.
func (b *build) placeBusinessDistrict() error {
	sq := b.lonlat(erqiSquare)
	isStreet := func(f int32) bool { return b.owner[0][f] >= 0 && b.owner[0][f] != int32(b.park) }
	seeds := b.tripleJunction(sq)
	if seeds == nil {
		f := b.nearThreeStreets(sq, isStreet)
		var met []int32
		seeds = b.sp.blob([]int32{f}, isStreet, func(f int32) bool {
			if !slices.Contains(met, b.owner[0][f]) {
				met = append(met, b.owner[0][f])
			}
			return len(met) == 3
		}, uint64(b.opts.Seed)^stageBD)
	}
	var three []int32
	for _, f := range seeds {
		if s := b.owner[0][f]; !slices.Contains(three, s) {
			three = append(three, s)
		}
	}
	if len(three) != 3 {
		return fmt.Errorf("the business district cannot find three streets")
	}
	// It takes at most 60% of the three streets, so it lies across them
	// rather than swallowing small central streets whole.
	room := 0.0
	for _, s := range three {
		for _, f := range b.grids[s].atoms {
			room += b.at.area[f]
		}
	}
	set := b.sp.blob(seeds, func(f int32) bool { return slices.Contains(three, b.owner[0][f]) },
		b.sp.untilArea(math.Min(bdAreaM2*b.opts.Scale, 0.6*room)), uint64(b.opts.Seed)^stageBD)
	b.bd = b.addGrid(grid{code: districtPrefix + "901000", name: "二七商圈", level: 1, parent: -1,
		kind: domain.KindSpecial, category: "business_district", mode: domain.ModeOverlay, role: roleTop, atoms: set})
	s := b.opts.Scale
	n2 := max(2, round(bdGrids2*s))
	n3 := max(n2, round(bdGrids3*s))
	return b.subdivideTop(b.bd, n2, n3, max(n3, round(bdGrids4*s)), b.rng(stageBD))
}

// tripleJunction returns the four atoms round the lattice node nearest p
// where exactly three streets meet, or nil.
func (b *build) tripleJunction(p orb.Point) []int32 {
	l := b.sub.Lattice
	bestD := math.Inf(1)
	var best, faces, streets []int32
	for v, q := range b.sub.Points {
		d := dist(p, q)
		if d >= bestD {
			continue
		}
		if _, ok := slices.BinarySearch(l.X, q[0]); !ok {
			continue
		}
		if _, ok := slices.BinarySearch(l.Y, q[1]); !ok {
			continue
		}
		faces, streets = b.facesAround(v, faces[:0]), streets[:0]
		ok := len(faces) == 4
		for _, f := range faces {
			s := b.owner[0][f]
			ok = ok && s >= 0 && s != int32(b.park)
			if !slices.Contains(streets, s) {
				streets = append(streets, s)
			}
		}
		if ok && len(streets) == 3 {
			bestD, best = d, append(best[:0], faces...)
		}
	}
	return best
}

// nearThreeStreets returns the atom with the smallest sum of hop distances
// to its three nearest streets (ties: nearest p). It costs a search per
// street, so with many streets (which always meet somewhere) it settles for
// the street atom nearest p.
func (b *build) nearThreeStreets(p orb.Point, isStreet func(int32) bool) int32 {
	k := len(b.streets)
	if k > 12 {
		return b.nearestAtom(p, nil, isStreet)
	}
	hops := make([][]int32, k)
	for si := range k {
		d := make([]int32, b.at.n)
		for f := range d {
			d[f] = -1
		}
		queue := slices.Clone(b.grids[b.streetIndex(si)].atoms)
		for _, f := range queue {
			d[f] = 0
		}
		for i := 0; i < len(queue); i++ {
			for _, g := range b.at.neighbours(queue[i]) {
				if d[g] < 0 && isStreet(g) {
					d[g] = d[queue[i]] + 1
					queue = append(queue, g)
				}
			}
		}
		hops[si] = d
	}
	best, bestSum, bestD := int32(-1), int32(math.MaxInt32), math.Inf(1)
	near := make([]int32, k)
	for f := range int32(b.at.n) {
		if !isStreet(f) {
			continue
		}
		for si := range k {
			near[si] = hops[si][f]
		}
		slices.Sort(near)
		sum := near[0] + near[1] + near[2]
		if d := dist(b.at.cen[f], p); sum < bestSum || (sum == bestSum && d < bestD) {
			best, bestSum, bestD = f, sum, d
		}
	}
	return best
}

// facesAround appends the faces around vertex v to out: every outgoing
// half-edge has one on its left.
func (b *build) facesAround(v int, out []int32) []int32 {
	for _, e := range b.outgoing(v) {
		out = append(out, int32(b.sub.Edges[e].Face))
	}
	return out
}

// outgoing lists the half-edges leaving vertex v, turning round v through
// Prev and Twin; it stops at the outline, so it is complete only for
// vertices strictly inside (lattice nodes).
func (b *build) outgoing(v int) []int {
	start := b.at.vertexOut[v]
	var out []int
	for e := int(start); ; {
		out = append(out, e)
		t := b.sub.Edges[b.sub.Edges[e].Prev].Twin
		if t < 0 || t == int(start) || len(out) > 8 {
			break
		}
		e = t
	}
	return out
}

// labelPark divides the industrial park into its own carve-out sub-grids.
func (b *build) labelPark() error {
	s := b.opts.Scale
	n2 := max(2, round(parkGrids2*s))
	n3 := max(n2, round(parkGrids3*s))
	return b.subdivideTop(b.park, n2, n3, max(n3, round(parkGrids4*s)), b.rng(stagePark))
}

// subdivideTop splits a first-level special grid into n2, n3 and n4 grids
// at levels 2, 3 and 4, each level tiling the one above. Children share the
// parent's category and mode.
func (b *build) subdivideTop(top, n2, n3, n4 int, rng *rand.Rand) error {
	l2 := b.splitGrid(top, n2, roleTop2, rng, 0.15, 0)
	var l3 []int
	for i, c := range b.allocate(l2, n3) {
		l3 = append(l3, b.splitGrid(l2[i], c, roleTop3, rng, 0.15, 0)...)
	}
	for i, c := range b.allocate(l3, n4) {
		b.splitGrid(l3[i], c, roleTop4, rng, 0.2, 0)
	}
	return nil
}

// allocate shares n children among parents by balance weight, at least one
// each and no more than a parent has atoms.
func (b *build) allocate(parents []int, n int) []int {
	w := make([]float64, len(parents))
	caps := make([]int, len(parents))
	for i, p := range parents {
		_, w[i] = b.tally(b.grids[p].atoms)
		caps[i] = len(b.grids[p].atoms)
	}
	return apportion(w, n, 1, caps)
}

// splitGrid splits grid parent into k children one level down, with the
// given role, the parent's kind, category and mode, and size targets drawn
// by shares. It returns the children's indices.
func (b *build) splitGrid(parent, k int, r role, rng *rand.Rand, spread, outliers float64) []int {
	p := b.grids[parent]
	k = min(k, len(p.atoms))
	lab := b.sp.split(p.atoms, k, shares(k, rng, spread, outliers), nil, b.weight, rng)
	out := make([]int, k)
	for i := range k {
		out[i] = b.addGrid(grid{level: p.level + 1, parent: parent, kind: p.kind, category: p.category,
			mode: p.mode, role: r, atoms: members(p.atoms, lab, int32(i))})
	}
	return out
}

func round(x float64) int { return int(math.Round(x)) }
