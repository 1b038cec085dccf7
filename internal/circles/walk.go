package circles

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Walks measures how far units walk under rule r, exactly as the audit
// does: to the nearest of the rule's facilities, or, when from is not 0,
// to facility from alone (the redistricting assistant asks whether the
// residents of a merged grid all reach the one facility kept for it). It
// answers in metres for each unit id asked, in order: +Inf where the walk
// exceeds the rule's distance or the id is not one of the plan's units;
// and the method (network, or straight_line on a plan without one).
func (c *Checker) Walks(ctx context.Context, plan domain.Plan, r domain.CircleRule, from int64, units []int64) ([]float64, string, error) {
	m, _, err := c.model(ctx, plan)
	if err != nil {
		return nil, "", err
	}
	one := m
	if from != 0 {
		f := slices.IndexFunc(m.facilities, func(p store.Place) bool { return p.ID == from })
		if f < 0 {
			return nil, "", domain.Errorf(domain.ErrNotFound, "plan %q has no facility %d", plan.Name, from)
		}
		if !slices.Contains(r.Types(), m.facilities[f].Type) {
			return nil, "", domain.Errorf(domain.ErrInvalid, "facility %d is a %s, not one of the rule's types %v", from, m.facilities[f].Type, r.Types())
		}
		// A model with that one facility: evaluate then searches from it
		// alone, with its own leg to the street.
		only := *m
		only.facilities = m.facilities[f : f+1]
		if m.net != nil {
			only.facAt = m.facAt[f : f+1]
		}
		one = &only
	}
	var search *geo.Search
	if one.net != nil {
		search = one.net.NewSearch()
	}
	res := one.evaluate(r, search)
	out := make([]float64, len(units))
	for i, id := range units {
		out[i] = math.Inf(1)
		// m.units is in id order (store.UnitPlaces).
		k, ok := slices.BinarySearchFunc(m.units, id, func(p store.Place, id int64) int { return cmp.Compare(p.ID, id) })
		if ok && res.Covered[k] {
			out[i] = res.Cost[k]
		}
	}
	return out, res.Method, nil
}
