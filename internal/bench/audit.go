package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/bench/reference"
)

// Audit times what `gridplan audit NAME --checks coverage,balance,circles`
// does in a new process: every check with nothing in memory (each run a
// new auditor) and the report written as JSON, each check alone and all
// three together (they run side by side), with the balance reference (the
// plain spatial join) in the same run. The stored results are those of
// the plan's version (a first warm-up run writes them), as they are for
// any audit but the first after an import. The collector is set as the
// audit command sets it (Setup.OneShot).
func Audit(ctx context.Context, s Setup) ([]Result, error) {
	if s.OneShot != nil {
		defer s.OneShot()()
	}
	run := func(checks ...string) func() error {
		return func() error {
			r, err := s.NewAuditor().Run(ctx, s.Plan, checks)
			if err == nil {
				_, err = r.MarshalJSON()
			}
			return err
		}
	}
	// A new process starts with an empty heap: each run starts from a
	// collected one, not with the garbage of the run before.
	fresh := func() error { runtime.GC(); return nil }
	all := []string{audit.Coverage, audit.Balance, audit.Circles}
	if err := run(all...)(); err != nil { // warm-up: stores the results of the plan's version
		return nil, err
	}
	total, err := MedianAfter(s.Runs, fresh, run(all...))
	if err != nil {
		return nil, err
	}
	results := []Result{{Name: "audit " + strings.Join(all, ","), Measured: total, Target: "< 10 s at scale 10",
		Note: "a new process's audit and its JSON report (the checks run side by side; the collector as the audit command sets it)"}}
	for _, c := range all {
		t, err := MedianAfter(s.Runs, fresh, run(c))
		if err != nil {
			return nil, err
		}
		results = append(results, Result{Name: "  " + c + " alone", Measured: t, Note: "the same, one check"})
	}
	// The join's time varies more than the audit's: as many runs of it.
	ref, err := Median(s.Runs, true, func() error {
		_, err := reference.GridPersons(ctx, s.DB.Pool(), s.Plan.Workspace)
		return err
	})
	if err != nil {
		return nil, err
	}
	balance := results[2].Measured
	results[2].RefName, results[2].Reference, results[2].Target = "PostGIS ST_Intersects join, all levels", ref, "≥ 5× faster"
	results[2].Note = fmt.Sprintf("the report from the stored assignments (%.1f× the join)", float64(ref)/float64(max(balance, time.Nanosecond)))
	return results, nil
}
