// Package audit runs a plan's checks and assembles the audit report (see
// docs/report.md). Each check (coverage, balance, circles) lives in its own
// package and is registered once, by name, in the order the report lists
// it; the command line, the HTTP API, the OGC findings layer and the
// editing layer all go through the Auditor, so adding a check is one line
// where the auditor is built.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/jsonw"
)

// Section is one check's part of the report. It marshals to the JSON of its
// key in the report.
type Section interface {
	// Errors counts error-severity problems; the command line exits 1 when
	// any section has one. Warnings do not count.
	Errors() int
	// WriteText writes the human summary for --format text.
	WriteText(w io.Writer) error
}

// Checker computes one section for a view of a plan. Checkers are
// long-lived (one per server), so they may cache per view, keyed by the
// plan's Workspace and Version.
type Checker interface {
	Check(ctx context.Context, plan domain.Plan) (Section, error)
	// Settings are the parameters the check used, echoed in the report.
	Settings(plan domain.Plan) map[string]any
}

// The checks gridplan ships, by name.
const (
	Coverage = "coverage"
	Balance  = "balance"
	Circles  = "circles"
)

// Check registers a checker under its name.
type Check struct {
	Name    string
	Checker Checker
}

// Auditor runs the registered checkers.
type Auditor struct {
	checks []Check
	// runs shares one run among concurrent requests for the same report:
	// eight clients auditing a plan at once cost one audit, in time,
	// memory and findings written.
	runs singleflight.Group
}

// New returns an auditor with checks, in report order.
func New(checks ...Check) *Auditor { return &Auditor{checks: checks} }

// Checker returns the checker registered for a check, nil when there is
// none; the HTTP layer serves a check's own layers through it.
func (a *Auditor) Checker(name string) Checker {
	for _, c := range a.checks {
		if c.Name == name {
			return c.Checker
		}
	}
	return nil
}

// Checks lists the registered check names in report order.
func (a *Auditor) Checks() []string {
	names := make([]string, len(a.checks))
	for i, c := range a.checks {
		names[i] = c.Name
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
		if a.Checker(c) == nil {
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

// Report is the audit report. A section that was not requested is absent.
type Report struct {
	Plan        string
	View        domain.View
	GeneratedAt time.Time
	Settings    map[string]any
	Sections    []NamedSection // in registry order
}

// NamedSection is one check's section under its name.
type NamedSection struct {
	Name    string
	Section Section
}

// Section returns the named check's section, nil when it was not run.
func (r *Report) Section(name string) Section {
	for _, s := range r.Sections {
		if s.Name == name {
			return s.Section
		}
	}
	return nil
}

// MarshalJSON writes the stable report keys, then one key per section in
// registry order.
func (r *Report) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 4096), '{')
	add := func(key string, v any) error {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(jsonw.AppendString(b, key), ':')
		// A section that writes itself is called directly: through
		// json.Marshal the library would go over its tens of megabytes
		// again to check and compact them, and one that appends (a
		// jsonw.Appender) is written into the report's buffer.
		var err error
		switch m := v.(type) {
		case jsonw.Appender:
			b, err = m.AppendJSON(b)
		case json.Marshaler:
			var val []byte
			if val, err = m.MarshalJSON(); err == nil {
				b = append(b, val...)
			}
		default:
			var val []byte
			if val, err = json.Marshal(v); err == nil {
				b = append(b, val...)
			}
		}
		if err != nil {
			return fmt.Errorf("report %s: %w", key, err)
		}
		return nil
	}
	if err := add("plan", r.Plan); err != nil {
		return nil, err
	}
	if r.View.Draft != "" {
		add("draft", r.View.Draft)
	}
	if r.View.Revision > 0 {
		add("revision", r.View.Revision)
	}
	add("generated_at", r.GeneratedAt)
	if err := add("settings", r.Settings); err != nil {
		return nil, err
	}
	for _, s := range r.Sections {
		if err := add(s.Name, s.Section); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// Run audits plan (as its View shows it) with the named checks. Requests
// for the same checks of the same view at the same version while one runs
// share its report. The shared run does not stop when one of them gives
// up (its client went away); each caller stops waiting on its own context.
func (a *Auditor) Run(ctx context.Context, plan domain.Plan, checks []string) (*Report, error) {
	key := fmt.Sprintf("%d|%d|%v|%s", plan.Workspace, plan.Version, plan.Tolerance, strings.Join(checks, ","))
	shared := context.WithoutCancel(ctx)
	ch := a.runs.DoChan(key, func() (any, error) { return a.run(shared, plan, checks) })
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Report), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run audits plan with the named checks.
func (a *Auditor) run(ctx context.Context, plan domain.Plan, checks []string) (*Report, error) {
	r := &Report{
		Plan:        plan.Name,
		View:        plan.View,
		GeneratedAt: time.Now().UTC().Truncate(time.Second),
		Settings:    map[string]any{"crs": fmt.Sprintf("EPSG:%d", plan.SRID)},
	}
	// The checks share nothing but the database: they run side by side,
	// each using the cores it can, and the report lists them in registry
	// order whatever finishes first.
	sections := make([]Section, len(checks))
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, name := range checks {
		c := a.Checker(name)
		if c == nil {
			return nil, domain.Errorf(domain.ErrInvalid, "unknown check %q", name)
		}
		wg.Go(func() {
			if sections[i], errs[i] = c.Check(ctx, plan); errs[i] != nil {
				errs[i] = fmt.Errorf("%s check: %w", name, errs[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, name := range checks {
		for k, v := range a.Checker(name).Settings(plan) {
			r.Settings[k] = v
		}
		r.Sections = append(r.Sections, NamedSection{Name: name, Section: sections[i]})
	}
	return r, nil
}

// Errors counts error-severity problems over every section.
func (r *Report) Errors() int {
	n := 0
	for _, s := range r.Sections {
		n += s.Section.Errors()
	}
	return n
}

// WriteText writes the human-readable report.
func (r *Report) WriteText(w io.Writer) error {
	what := fmt.Sprintf("plan %q", r.Plan)
	if !r.View.Published() {
		what += ", " + r.View.String()
	}
	fmt.Fprintf(w, "Audit of %s at %s\n", what, r.GeneratedAt.Format(time.RFC3339))
	keys := make([]string, 0, len(r.Settings))
	for k := range r.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %v\n", k, r.Settings[k])
	}
	for _, s := range r.Sections {
		fmt.Fprintln(w)
		if err := s.Section.WriteText(w); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n%d error(s).\n", r.Errors())
	return nil
}
