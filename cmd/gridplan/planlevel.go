package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// runPlanLevel shows or edits one level's band and target:
//
//	gridplan plan level NAME N [--name S] [--min-persons N] [--max-persons N]
//	                           [--min-households N] [--max-households N] [--target-persons N]
//
// Only the flags given change; 0 removes a bound or the target.
func runPlanLevel(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "plan level", &cfg)
	name := fs.String("name", "", "the level's name (street, community, grid, micro-grid, ...)")
	bounds := map[string]*int{}
	for _, f := range []struct{ flag, usage string }{
		{"min-persons", "fewest persons a grid of the level should hold (0: no bound)"},
		{"max-persons", "most persons a grid of the level should hold (0: no bound)"},
		{"min-households", "fewest households (0: no bound)"},
		{"max-households", "most households (0: no bound)"},
		{"target-persons", "ideal persons per grid, instead of the mean of its siblings (0: the mean)"},
	} {
		bounds[f.flag] = fs.Int(f.flag, 0, f.usage)
	}
	pos, err := parseArgs(fs, args, "NAME", "LEVEL")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(pos[1])
	if err != nil || n < 1 {
		return usageError{fmt.Sprintf("level %q: want a level number, 1 or more", pos[1])}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		s, err := db.BalanceSettings(ctx, plan.ID)
		if err != nil {
			return err
		}
		l := store.BalanceLevel{Level: domain.Level{Level: n, Name: fmt.Sprintf("level %d", n)}}
		for _, have := range s.Levels {
			if have.Level.Level == n {
				l = have
			}
		}
		changed := false
		for flagName, target := range map[string]*int{"min-persons": &l.Band.MinPersons, "max-persons": &l.Band.MaxPersons,
			"min-households": &l.Band.MinHouseholds, "max-households": &l.Band.MaxHouseholds, "target-persons": &l.TargetPersons} {
			if set[flagName] {
				if *bounds[flagName] < 0 {
					return domain.Errorf(domain.ErrInvalid, "--%s %d: want 0 or more", flagName, *bounds[flagName])
				}
				*target, changed = *bounds[flagName], true
			}
		}
		if set["name"] {
			l.Name, changed = *name, true
		}
		if err := checkBand(l.Band); err != nil {
			return err
		}
		if changed {
			if err := db.SetLevelBand(ctx, plan.ID, l); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "plan %q level %d %s: %s", plan.Name, n, l.Name, balance.BandText(l.Band))
		if l.TargetPersons > 0 {
			fmt.Fprintf(e.stdout, ", target %d persons", l.TargetPersons)
		}
		fmt.Fprintln(e.stdout)
		return nil
	})
}

func checkBand(b domain.Band) error {
	if b.MaxPersons > 0 && b.MinPersons > b.MaxPersons {
		return domain.Errorf(domain.ErrInvalid, "min persons %d is above max persons %d", b.MinPersons, b.MaxPersons)
	}
	if b.MaxHouseholds > 0 && b.MinHouseholds > b.MaxHouseholds {
		return domain.Errorf(domain.ErrInvalid, "min households %d is above max households %d", b.MinHouseholds, b.MaxHouseholds)
	}
	return nil
}

// runPlanBalance shows or sets how the balance audit shares polygon units:
//
//	gridplan plan balance NAME [--polygon-units area_share|interior_point]
func runPlanBalance(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "plan balance", &cfg)
	rule := fs.String("polygon-units", "", "area_share (split by the area each grid holds) or interior_point (wholly to the grid holding a point on it)")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		if *rule != "" {
			if err := db.SetPolygonUnits(ctx, plan.ID, *rule); err != nil {
				return err
			}
		}
		s, err := db.BalanceSettings(ctx, plan.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "plan %q: polygon units counted by %s\n", plan.Name, s.PolygonUnits)
		return nil
	})
}
