package demo

import (
	"math"

	"github.com/gridplan/gridplan/internal/domain"
)

// placePark carves the industrial park (first-level special grid, mode
// carve_out) out of the west of the district, before the streets are drawn,
// so the 17 streets and the park tile the district.
func (b *build) placePark() error {
	for l := range b.owner {
		b.owner[l] = make([]int32, b.at.n)
		for f := range b.owner[l] {
			b.owner[l][f] = -1
		}
	}
	seed := b.nearestAtom(b.lonlat(industryPark), nil, nil)
	target := parkAreaM2 * b.opts.Scale
	set := b.sp.blob([]int32{seed}, func(int32) bool { return true }, b.sp.untilArea(target), uint64(b.opts.Seed)^stagePark)
	b.park = b.addGrid(grid{code: districtPrefix + "902000", name: "马寨工业园区", level: 1, parent: -1,
		kind: domain.KindSpecial, category: "industrial_park", mode: domain.ModeCarveOut, role: roleTop, atoms: set})
	// Ground the park cuts off from the rest becomes part of the park.
	rest := b.unowned(0)
	comps := b.at.components(rest, b.sp.mark)
	for _, c := range comps[1:] {
		b.grids[b.park].atoms = append(b.grids[b.park].atoms, c...)
		for _, f := range c {
			b.owner[0][f] = int32(b.park)
		}
	}
	return nil
}

// unowned lists the atoms no base or carve-out grid of level l holds yet.
func (b *build) unowned(l int) []int32 {
	var set []int32
	for f, o := range b.owner[l] {
		if o < 0 {
			set = append(set, int32(f))
		}
	}
	return set
}

// populate puts round(1,061,263 × scale) residents into building-like units:
// expected persons per atom follow the density field with noise and vacant
// land; town atoms get big apartment blocks, rural ones small courtyards.
func (b *build) populate() error {
	rng := b.rng(stageUnits)
	total := int(math.Round(erqiPersons * b.opts.Scale))
	n := b.at.n
	expect := make([]float64, n)
	urb := make([]float64, n)
	sum := 0.0
	for f := range n {
		c := b.at.cen[f]
		u := urban(b.smooth[f])
		urb[f] = u
		if rng.Float64() < 0.10+0.45*(1-u) { // roads, parks, fields
			continue
		}
		e := b.smooth[f] * b.field.noise(c) * b.at.area[f] * math.Exp(0.5*rng.NormFloat64())
		if b.owner[0][f] == int32(b.park) {
			e *= 0.12
		}
		expect[f] = e
		sum += e
	}
	if sum == 0 {
		return errInvalid("the outline is too small to hold residents")
	}
	var sizes []float64
	for f := range n {
		if expect[f] == 0 {
			continue
		}
		e := expect[f] * float64(total) / sum
		mean := 12 + 40*math.Pow(urb[f], 0.8) // persons per unit
		lambda := e / mean
		k := int(lambda)
		if rng.Float64() < lambda-float64(k) {
			k++
		}
		for range k {
			p, ok := b.at.interior(int32(f), rng)
			if !ok {
				break
			}
			b.units = append(b.units, unit{atom: int32(f), p: p, urban: urb[f]})
			// Buildings keep a size typical of their place, so a sparse
			// atom gets one ordinary house rather than a house for one.
			sizes = append(sizes, mean*math.Exp(0.3*rng.NormFloat64()))
		}
	}
	if len(b.units) == 0 || len(b.units) > total {
		return errInvalid("the outline is too small to hold residents")
	}
	persons := apportion(sizes, total, 1, nil)
	b.persons = make([]int, n)
	for i := range b.units {
		u := &b.units[i]
		u.persons = persons[i]
		pph := math.Min(3.2, math.Max(2.0, 3.05-1.0*u.urban+0.1*rng.NormFloat64()))
		u.households = max(1, min(u.persons, int(math.Round(float64(u.persons)/pph))))
		b.persons[u.atom] += u.persons
	}
	// Region sizes balance on persons, plus a little area so empty land
	// still gets shared out sensibly.
	perM2 := 0.03 * float64(total) / b.totalArea()
	b.weight = make([]float64, n)
	for f := range n {
		b.weight[f] = float64(b.persons[f]) + perM2*b.at.area[f]
	}
	return nil
}

func (b *build) totalArea() float64 {
	s := 0.0
	for _, a := range b.at.area {
		s += a
	}
	return s
}
