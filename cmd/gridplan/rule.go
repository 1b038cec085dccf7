package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// runRule manages a plan's service-circle rules.
func runRule(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"rule needs a subcommand: add, list or remove"}
	}
	switch args[0] {
	case "add":
		return runRuleAdd(ctx, e, args[1:])
	case "list":
		return runRuleList(ctx, e, args[1:])
	case "remove":
		return runRuleRemove(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown rule subcommand %q: want add, list or remove", args[0])}
}

func runRuleAdd(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "rule add", &cfg)
	r := domain.CircleRule{}
	fs.StringVar(&r.FacilityType, "facility-type", "", "facility type residents should reach (required)")
	fs.IntVar(&r.Minutes, "minutes", 0, "walking minutes (required)")
	fs.Float64Var(&r.SpeedMPerMin, "speed-m-per-min", domain.DefaultWalkingSpeed, "walking speed in metres per minute")
	fs.Float64Var(&r.TargetPct, "target-pct", domain.DefaultTargetPct, "share of residents the plan aims to cover, in %")
	also := fs.String("also", "", "comma-separated further facility types that satisfy the rule")
	fs.StringVar(&r.Note, "note", "", "free text shown with the rule")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if r.FacilityType == "" || r.Minutes == 0 {
		return usageError{"rule add needs --facility-type and --minutes"}
	}
	for _, t := range strings.Split(*also, ",") {
		if t = strings.TrimSpace(t); t != "" {
			r.AlsoTypes = append(r.AlsoTypes, t)
		}
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		created, err := db.PutCircleRule(ctx, plan.ID, r)
		if err != nil {
			return err
		}
		verb := "updated"
		if created {
			verb = "added"
		}
		fmt.Fprintf(e.stdout, "%s rule %s within %d minutes at %g m/min (%.0f m), target %g%%, in plan %q\n",
			verb, r.FacilityType, r.Minutes, r.SpeedMPerMin, r.DistanceM(), r.TargetPct, plan.Name)
		return nil
	})
}

func runRuleList(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "rule list", &cfg)
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		rules, err := db.CircleRules(ctx, plan.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "facility_type\tminutes\tspeed_m_per_min\tdistance_m\ttarget_pct\talso\tnote")
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%d\t%g\t%.0f\t%g\t%s\t%s\n", r.FacilityType, r.Minutes, r.SpeedMPerMin, r.DistanceM(),
				r.TargetPct, strings.Join(r.AlsoTypes, ","), r.Note)
		}
		return tw.Flush()
	})
}

func runRuleRemove(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "rule remove", &cfg)
	typ := fs.String("facility-type", "", "facility type of the rule (required)")
	minutes := fs.Int("minutes", 0, "minutes of the rule (required)")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *typ == "" || *minutes == 0 {
		return usageError{"rule remove needs --facility-type and --minutes"}
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		if err := db.DeleteCircleRule(ctx, plan.ID, *typ, *minutes); err != nil {
			if domain.ErrorCode(err) == domain.ErrNotFound {
				return domain.Errorf(domain.ErrNotFound, "plan %q: %s", plan.Name, domain.ErrorMessage(err))
			}
			return err
		}
		fmt.Fprintf(e.stdout, "removed rule %s within %d minutes from plan %q\n", *typ, *minutes, plan.Name)
		return nil
	})
}
