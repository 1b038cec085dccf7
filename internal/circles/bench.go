package circles

import (
	"context"
	"fmt"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Bench measures the circles of plan's rules against pgRouting's
// pgr_drivingDistance on the same stored network, with the same sources
// (each facility's nearest node) and limits, in the same run: the search
// alone, then the whole audit (every unit's walk, per grid, suggestions,
// blind spots stored) with the plan's model prepared (a warm server) and
// from the database (a cold one). `gridplan bench circles` prints it.
func Bench(ctx context.Context, db *store.DB, plan domain.Plan, runs int) ([]bench.Result, error) {
	if err := db.EnsurePgRouting(ctx); err != nil {
		return nil, err
	}
	rules, err := db.CircleRules(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	c := New(db, Options{})
	m, ms, err := c.model(ctx, plan)
	if err != nil {
		return nil, err
	}
	if m.net == nil {
		return nil, domain.Errorf(domain.ErrInvalid, "plan %q has no walking network to measure", plan.Name)
	}
	index := make(map[int64]int32, len(m.nodeID))
	for i, id := range m.nodeID {
		index[id] = int32(i)
	}
	sources := make([][]int64, len(rules))
	origins := make([][]geo.Origin, len(rules))
	nsrc := 0
	for i, r := range rules {
		if sources[i], err = db.FacilityNodes(ctx, plan.ID, r.Types()); err != nil {
			return nil, err
		}
		for _, id := range sources[i] {
			origins[i] = append(origins[i], geo.NodeOrigin(index[id]))
		}
		nsrc += len(sources[i])
	}
	reference := func(equicost bool) func() error {
		return func() error {
			for i, r := range rules {
				if _, err := db.DrivingDistance(ctx, plan.ID, sources[i], r.DistanceM(), equicost); err != nil {
					return err
				}
			}
			return nil
		}
	}
	refEqui, err := bench.Median(runs, true, reference(true))
	if err != nil {
		return nil, err
	}
	refExact, err := bench.Median(runs, true, reference(false))
	if err != nil {
		return nil, err
	}
	search := m.net.NewSearch()
	reached := 0
	searchTime, err := bench.Median(runs, true, func() error {
		reached = 0
		for i, r := range rules {
			reached += len(search.Run(origins[i], r.DistanceM()).Reached)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	figures, err := bench.Median(runs, true, func() error {
		for _, r := range m.evaluateAll(rules) {
			r.members = ms
			r.gridSummaries(0)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	warm, err := bench.Median(runs, true, func() error { _, err := c.Check(ctx, plan); return err })
	if err != nil {
		return nil, err
	}
	cold, err := bench.Median(runs, false, func() error {
		fresh := New(db, Options{})
		_, err := fresh.Check(ctx, plan)
		return err
	})
	if err != nil {
		return nil, err
	}
	sizes := fmt.Sprintf("%d rules, %d sources, %d nodes / %d edges, %d units, %d persons", len(rules), nsrc,
		m.net.Nodes(), len(m.net.Links), len(m.units), m.personsTotal)
	ddName := "pgr_drivingDistance equicost"
	return []bench.Result{
		{Name: "shortest paths, every rule", RefName: ddName, Reference: refEqui, Measured: searchTime,
			Target: "≥ 10×", Note: fmt.Sprintf("%s; %d nodes reached", sizes, reached)},
		{Name: "shortest paths, every rule", RefName: "pgr_drivingDistance, nearest source", Reference: refExact,
			Measured: searchTime, Target: "≥ 10×", Note: "the exact multi-source reference (see README)"},
		{Name: "circles figures, every rule, warm", RefName: ddName, Reference: refEqui, Measured: figures, Target: "≥ 10×",
			Note: "every unit's walk from its door; persons and households covered, plan-wide and per grid (all levels)"},
		{Name: "circles audit, warm", RefName: ddName, Reference: refEqui, Measured: warm, Target: "< 2 s",
			Note: "the figures plus 5 siting suggestions per rule and the report; model prepared"},
		{Name: "circles audit, cold", RefName: ddName, Reference: refEqui, Measured: cold, Target: "-",
			Note: "the same after reading and preparing the plan from PostGIS, blind spots stored"},
	}, nil
}
