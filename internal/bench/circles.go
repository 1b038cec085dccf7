package bench

import (
	"context"
	"fmt"

	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/circles"
)

// Circles measures the service circles of the plan's rules against
// pgRouting's pgr_drivingDistance on the same stored network, with the
// same sources (each facility's nearest node) and limits, in the same run:
// every rule's figures on a server that has the plan's model, the whole
// audit on such a server, and the audit of a new process (reading and
// preparing the plan from PostGIS). `gridplan bench circles` prints it.
func Circles(ctx context.Context, s Setup) ([]Result, error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	if err := reference.EnsurePgRouting(ctx, db.Pool()); err != nil {
		return nil, err
	}
	rules, err := db.CircleRules(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	sources := make([][]int64, len(rules))
	nsrc := 0
	for i, r := range rules {
		if sources[i], err = reference.FacilityNodes(ctx, db.Pool(), plan.ID, r.Types()); err != nil {
			return nil, err
		}
		nsrc += len(sources[i])
	}
	drivingDistance := func(equicost bool) func() error {
		return func() error {
			for i, r := range rules {
				if _, err := reference.DrivingDistance(ctx, db.Pool(), plan.ID, sources[i], r.DistanceM(), equicost); err != nil {
					return err
				}
			}
			return nil
		}
	}
	refEqui, err := Median(runs, true, drivingDistance(true))
	if err != nil {
		return nil, err
	}
	refExact, err := Median(runs, true, drivingDistance(false))
	if err != nil {
		return nil, err
	}
	c := circles.New(db, circles.Options{})
	// Rule measures afresh every time: every unit's walk to the nearest
	// facility, persons and households covered plan-wide and per grid.
	figures, err := Median(runs, true, func() error {
		for _, r := range rules {
			if _, err := c.Rule(ctx, plan, r.FacilityType, r.Minutes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	warm, err := Median(runs, true, func() error { _, err := c.Check(ctx, plan); return err })
	if err != nil {
		return nil, err
	}
	cold, err := Median(runs, false, func() error {
		_, err := circles.New(db, circles.Options{}).Check(ctx, plan)
		return err
	})
	if err != nil {
		return nil, err
	}
	sizes := fmt.Sprintf("%d rules, %d sources", len(rules), nsrc)
	ddName := "pgr_drivingDistance equicost"
	return []Result{
		{Name: "circles figures, every rule, warm", RefName: ddName, Reference: refEqui, Measured: figures, Target: "≥ 10×",
			Note: sizes + "; every unit's walk from its door; persons and households covered, plan-wide and per grid"},
		{Name: "circles figures, every rule, warm", RefName: "pgr_drivingDistance, nearest source", Reference: refExact,
			Measured: figures, Target: "≥ 10×", Note: "the exact multi-source reference (see README)"},
		{Name: "circles audit, warm", RefName: ddName, Reference: refEqui, Measured: warm, Target: "< 2 s",
			Note: "the figures plus 5 siting suggestions per rule and the report; model prepared"},
		{Name: "circles audit, cold", RefName: ddName, Reference: refEqui, Measured: cold, Target: "-",
			Note: "the same after reading and preparing the plan from PostGIS"},
	}, nil
}
