package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// millionUnitPlan returns the benchmark's companion of plan: the same grids
// and levels, with every person of plan's units as a one-person point unit
// scattered within 8 m of its building (the building's households going to
// its first points), so about a million units with the same totals. It is
// made once, deterministically, and reused.
func millionUnitPlan(ctx context.Context, db *store.DB, plan domain.Plan) (p domain.Plan, err error) {
	name := plan.Name + "_units1m"
	if len(name) > 63 {
		name = name[len(name)-63:]
	}
	p, err = db.Plan(ctx, name)
	if domain.ErrorCode(err) != domain.ErrNotFound {
		return p, err
	}
	p, err = db.CreatePlan(ctx, domain.Plan{Name: name, Title: plan.Title + ", a million one-person units",
		SRID: plan.SRID, Boundary: plan.Boundary, Levels: plan.Levels, Tolerance: plan.Tolerance})
	if err != nil {
		return p, err
	}
	defer func() {
		if err != nil {
			_ = db.DeletePlan(context.WithoutCancel(ctx), name)
		}
	}()
	var grids []domain.Grid
	err = db.EachGrid(ctx, plan.Workspace, store.GridFilter{}, func(g domain.Grid) error {
		g.Stats = nil
		grids = append(grids, g)
		return nil
	})
	if err != nil {
		return p, err
	}
	if _, _, err = db.ImportGrids(ctx, p.Workspace, grids, domain.WGS84,
		store.Record{Kind: store.RevisionImport, Author: "gridplan bench", Message: "grids of " + plan.Name}); err != nil {
		return p, fmt.Errorf("copy grids: %w", err)
	}
	var units []domain.Unit
	err = db.EachUnit(ctx, plan.ID, func(u domain.Unit) error {
		c, _ := u.Geometry.(orb.Point)
		if _, ok := u.Geometry.(orb.Point); !ok {
			c = u.Geometry.Bound().Center()
		}
		rng := rand.New(rand.NewPCG(uint64(u.ID), 0x6a7e))
		// 8 m in degrees at this latitude.
		dy := 8 / 111320.0
		dx := dy / math.Cos(c[1]*math.Pi/180)
		for i := range u.Persons {
			h := 0
			switch {
			case i == u.Persons-1:
				h = max(u.Households-i, 0) // any households beyond one per person
			case i < u.Households:
				h = 1
			}
			q := orb.Point{c[0] + dx*(2*rng.Float64()-1), c[1] + dy*(2*rng.Float64()-1)}
			units = append(units, domain.Unit{Persons: 1, Households: h, Geometry: q})
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if _, err = db.InsertUnits(ctx, p.ID, units, domain.WGS84); err != nil {
		return p, fmt.Errorf("store a million units: %w", err)
	}
	return db.Plan(ctx, name)
}
