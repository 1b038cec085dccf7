package demo

import (
	"math"
	"math/rand/v2"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// Everyday facilities at scale 1: how many, and how they are named after
// their community.
var everyday = [...]struct {
	typ    string
	count  int
	suffix []string
}{
	{"elderly_day_care", 110, []string{"日间照料中心", "老年人日间照料中心"}},
	{"clinic", 140, []string{"社区卫生服务站", "卫生服务中心"}},
	{"kindergarten", 150, []string{"幼儿园", "第一幼儿园", "实验幼儿园"}},
	{"primary_school", 95, []string{"小学", "实验小学"}},
	{"middle_school", 45, []string{"中学", "初级中学"}},
	{"market", 75, []string{"农贸市场", "菜市场"}},
}

// placeFacilities puts the "1 + 17 + 174" party-mass service centres (one
// for the district, one per street, one per community but one) and the
// everyday facilities. Everyday ones follow population unevenly: each
// community has its own, skewed, provision per type, and the country gets
// less, so some areas are blind spots.
func (b *build) placeFacilities() error {
	rng := b.rng(stageFacilities)
	names := map[string]bool{}
	add := func(typ, name string, p orb.Point) {
		b.out.Facilities = append(b.out.Facilities, domain.Facility{ID: int64(len(b.out.Facilities) + 1),
			Type: typ, Name: name, Geometry: p})
	}
	// The district centre sits at the district's seat when known.
	var seat orb.Point
	hasSeat := false
	for _, d := range b.in.Divisions {
		if d.Level == "district" && d.HasPoint {
			seat, hasSeat = b.place(d.Point), true
		}
	}
	var streets, comms []int
	for i, g := range b.grids {
		switch g.role {
		case roleStreet:
			streets = append(streets, i)
		case roleComm:
			comms = append(comms, i)
		}
	}
	if !hasSeat {
		seat = b.centreOf(streets[0])
	}
	if p, ok := b.pointNear(seat, nil, rng); ok {
		add("district_service_centre", "二七区党群服务中心", p)
	}
	for _, s := range streets {
		if p, ok := b.pointNear(b.centreOf(s), b.grids[s].atoms, rng); ok {
			add("street_service_centre", b.grids[s].name+"党群服务中心", p)
		}
	}
	skip := rng.IntN(len(comms)) // one community still shares its neighbour's centre
	for k, c := range comms {
		if k == skip {
			continue
		}
		if p, ok := b.pointNear(b.centreOf(c), b.grids[c].atoms, rng); ok {
			add("community_service_centre", b.grids[c].name+"党群服务中心", p)
		}
	}

	for _, e := range everyday {
		w := make([]float64, len(comms))
		for i, c := range comms {
			persons, _ := b.tally(b.grids[c].atoms)
			w[i] = float64(persons) * math.Exp(rng.NormFloat64()) * math.Pow(0.3+b.grids[c].urban, 1.5)
		}
		for i, n := range apportion(w, round(float64(e.count)*b.opts.Scale), 0, nil) {
			c := b.grids[comms[i]]
			for range n {
				p, ok := b.pointIn(c.atoms, rng)
				if !ok {
					continue
				}
				add(e.typ, specialName(c.name, e.suffix[rng.IntN(len(e.suffix))], names), p)
			}
		}
	}
	return nil
}

// centreOf is the persons-weighted centre of grid i.
func (b *build) centreOf(i int) orb.Point {
	var x, y, w float64
	for _, f := range b.grids[i].atoms {
		m := float64(b.persons[f]) + 1e-4*b.at.area[f]
		x += m * b.at.cen[f][0]
		y += m * b.at.cen[f][1]
		w += m
	}
	return orb.Point{x / w, y / w}
}

// pointNear returns a point inside an atom of set (any atom when nil) near
// p: the nearest atom that can hold one.
func (b *build) pointNear(p orb.Point, set []int32, rng *rand.Rand) (orb.Point, bool) {
	tried := map[int32]bool{}
	for range 10 {
		f := b.nearestAtom(p, set, func(f int32) bool { return !tried[f] })
		if f < 0 {
			break
		}
		if q, ok := b.at.interior(f, rng); ok {
			return q, true
		}
		tried[f] = true
	}
	return orb.Point{}, false
}

// pointIn returns a point in an atom of set drawn by population.
func (b *build) pointIn(set []int32, rng *rand.Rand) (orb.Point, bool) {
	total := 0.0
	for _, f := range set {
		total += b.weight[f]
	}
	for range 20 {
		u := rng.Float64() * total
		f := set[len(set)-1]
		for _, g := range set {
			if u -= b.weight[g]; u < 0 {
				f = g
				break
			}
		}
		if q, ok := b.at.interior(f, rng); ok {
			return q, true
		}
	}
	return orb.Point{}, false
}
