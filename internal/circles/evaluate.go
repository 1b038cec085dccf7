package circles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// Methods of measuring the walk, as reported.
const (
	MethodNetwork      = "network"       // along the plan's walking network
	MethodStraightLine = "straight_line" // as the crow flies: the plan has no network
)

// Result is one rule evaluated on one version of a plan.
type Result struct {
	Rule       domain.CircleRule
	Method     string
	Facilities []int32   // the facilities that satisfy the rule, by model index
	Cost       []float64 // by unit: metres to the nearest such facility; +Inf when none is within reach
	Covered    []bool    // by unit: Cost ≤ the rule's distance

	PersonsCovered, HouseholdsCovered int64
	model                             *model
	members                           *membership // the view's grids; results are shared by views
}

// evaluate measures every unit's walk to the nearest facility of rule r.
// search is reused between calls; nil for the straight-line method.
func (m *model) evaluate(r domain.CircleRule, search *geo.Search) *Result {
	res := &Result{Rule: r, Method: m.method(), Facilities: m.sources(r), model: m,
		Cost: make([]float64, len(m.units)), Covered: make([]bool, len(m.units))}
	limit := r.DistanceM()
	if res.Method == MethodNetwork {
		origins := make([]geo.Origin, len(res.Facilities))
		for k, f := range res.Facilities {
			at := m.facAt[f]
			origins[k] = geo.Origin{Position: at.Position, Cost: at.Dist}
		}
		field := search.Run(origins, limit)
		for i, at := range m.unitAt {
			c, _ := field.At(at.Position)
			res.Cost[i] = c + at.Dist
		}
	} else {
		nearest := m.straightLine(res.Facilities)
		for i, u := range m.units {
			res.Cost[i] = nearest(u.Metric)
		}
	}
	for i, u := range m.units {
		if res.Cost[i] <= limit {
			res.Covered[i] = true
			res.PersonsCovered += int64(u.Persons)
			res.HouseholdsCovered += int64(u.Households)
		} else if res.Method == MethodNetwork {
			// Beyond the search the figure is only an upper bound of the
			// walk, so it is not reported.
			res.Cost[i] = math.Inf(1)
		}
	}
	return res
}

// indexed is a point with an index, for orb's quadtree.
type indexed struct {
	p orb.Point
	i int32
}

func (x indexed) Point() orb.Point { return x.p }

// pointIndex puts points in a quadtree; nil when there are none.
func pointIndex(points []orb.Point) *quadtree.Quadtree {
	if len(points) == 0 {
		return nil
	}
	b := orb.MultiPoint(points).Bound()
	qt := quadtree.New(b.Pad(1))
	for i, p := range points {
		_ = qt.Add(indexed{p, int32(i)}) // inside the bound by construction
	}
	return qt
}

// straightLine returns the distance from a point to the nearest of the
// given facilities as the crow flies (+Inf when there are none).
func (m *model) straightLine(facilities []int32) func(orb.Point) float64 {
	pts := make([]orb.Point, len(facilities))
	for k, f := range facilities {
		pts[k] = m.facilities[f].Metric
	}
	qt := pointIndex(pts)
	return func(p orb.Point) float64 {
		if qt == nil {
			return math.Inf(1)
		}
		q := qt.Find(p).Point()
		return math.Hypot(q[0]-p[0], q[1]-p[1])
	}
}

// PersonsTotal is the plan's population.
func (r *Result) PersonsTotal() int64 { return r.model.personsTotal }

// HouseholdsTotal is the plan's number of households.
func (r *Result) HouseholdsTotal() int64 { return r.model.householdsTotal }

// pct is part/total as a percentage rounded to 0.01, and 0 for an empty total.
func pct(part, total int64) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(total)*10000) / 100
}
