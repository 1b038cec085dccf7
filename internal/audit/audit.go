// Package audit runs a plan's checks and assembles the audit report of
// DESIGN §4. Each check (coverage, balance, circles) lives in its own
// package and plugs in as a Checker; the command line and the HTTP API both
// call Auditor.Run, so the report is the same on both surfaces.
package audit

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
)

// Section is one check's part of the report. It marshals to the JSON of its
// key in DESIGN §4.
type Section interface {
	// Errors counts error-severity problems; the command line exits 1 when
	// any section has one. Warnings do not count.
	Errors() int
	// WriteText writes the human summary for --format text.
	WriteText(w io.Writer) error
}

// Checker computes one section for a plan. Checkers are long-lived (one per
// server), so they may cache per plan, keyed by the plan's version.
type Checker interface {
	Check(ctx context.Context, plan domain.Plan) (Section, error)
	// Settings are the parameters the check used, echoed in the report.
	Settings(plan domain.Plan) map[string]any
}

// Report is the audit report. A section that was not requested is absent.
type Report struct {
	Plan        string         `json:"plan"`
	GeneratedAt time.Time      `json:"generated_at"`
	Settings    map[string]any `json:"settings"`
	Coverage    Section        `json:"coverage,omitempty"`
	Balance     Section        `json:"balance,omitempty"`
	Circles     Section        `json:"circles,omitempty"`
}

// The checks, in report order.
const (
	Coverage = "coverage"
	Balance  = "balance"
	Circles  = "circles"
)

// Auditor runs the registered checkers.
type Auditor struct {
	checkers map[string]Checker
}

// New returns an auditor with the given checkers by check name.
func New(checkers map[string]Checker) *Auditor { return &Auditor{checkers: checkers} }

// Checker returns the checker registered for a check, nil when there is
// none; the HTTP layer serves a check's own layers through it.
func (a *Auditor) Checker(name string) Checker { return a.checkers[name] }

// Checks lists the available check names in report order.
func (a *Auditor) Checks() []string {
	var names []string
	for _, n := range []string{Coverage, Balance, Circles} {
		if a.checkers[n] != nil {
			names = append(names, n)
		}
	}
	return names
}

// ParseChecks reads a comma-separated list ("" means every check).
func (a *Auditor) ParseChecks(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return a.Checks(), nil
	}
	seen := map[string]bool{}
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if a.checkers[c] == nil {
			return nil, domain.Errorf(domain.ErrInvalid, "unknown check %q: available checks are %s", c, strings.Join(a.Checks(), ", "))
		}
		seen[c] = true
	}
	var out []string
	for _, n := range a.Checks() {
		if seen[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// Run audits plan with the named checks.
func (a *Auditor) Run(ctx context.Context, plan domain.Plan, checks []string) (*Report, error) {
	r := &Report{
		Plan:        plan.Name,
		GeneratedAt: time.Now().UTC().Truncate(time.Second),
		Settings:    map[string]any{"crs": fmt.Sprintf("EPSG:%d", plan.SRID)},
	}
	for _, name := range checks {
		c := a.checkers[name]
		if c == nil {
			return nil, domain.Errorf(domain.ErrInvalid, "unknown check %q", name)
		}
		s, err := c.Check(ctx, plan)
		if err != nil {
			return nil, fmt.Errorf("%s check: %w", name, err)
		}
		for k, v := range c.Settings(plan) {
			r.Settings[k] = v
		}
		switch name {
		case Coverage:
			r.Coverage = s
		case Balance:
			r.Balance = s
		case Circles:
			r.Circles = s
		}
	}
	return r, nil
}

// Errors counts error-severity problems over every section.
func (r *Report) Errors() int {
	n := 0
	for _, s := range r.sections() {
		n += s.Errors()
	}
	return n
}

func (r *Report) sections() []Section {
	var out []Section
	for _, s := range []Section{r.Coverage, r.Balance, r.Circles} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// WriteText writes the human-readable report.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Audit of plan %q at %s\n", r.Plan, r.GeneratedAt.Format(time.RFC3339))
	keys := make([]string, 0, len(r.Settings))
	for k := range r.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %v\n", k, r.Settings[k])
	}
	for _, s := range r.sections() {
		fmt.Fprintln(w)
		if err := s.WriteText(w); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n%d error(s).\n", r.Errors())
	return nil
}

// GridObserver is implemented by checkers that keep per-plan results and
// update them incrementally when one grid changes (an edit on the map), so a
// re-check touches only the grids around the change.
type GridObserver interface {
	GridChanged(ctx context.Context, plan domain.Plan, code string) error
}

// GridChanged tells every observing checker that grid code of plan changed
// (created, reshaped or deleted).
func (a *Auditor) GridChanged(ctx context.Context, plan domain.Plan, code string) error {
	for _, name := range a.Checks() {
		if o, ok := a.checkers[name].(GridObserver); ok {
			if err := o.GridChanged(ctx, plan, code); err != nil {
				return fmt.Errorf("%s check: %w", name, err)
			}
		}
	}
	return nil
}
