package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridplan/gridplan/internal/domain"
)

// Change is one grid a change set touched: After is the grid as the
// change set left it, nil for one it removed; Before is the grid as it
// was, nil for one it created (only its attributes: each check holds the
// shapes it had itself).
type Change struct {
	Code          string
	Before, After *domain.GridState
	// Noded says the change only put vertices on the grid's edges (where a
	// neighbour's new boundary meets them): its ground and attributes are
	// as they were, so checks that count what lies in it can pass it by.
	Noded bool
}

// Preparer is a checker that updates its results from a change set rather
// than by recomputing: it learns of every edit this way, with the grids
// touched before and after. Anything it did not learn of this way (an
// import, SQL straight into the tables) moves the view's version past what
// it holds, and it recomputes.
type Preparer interface {
	// Prepare computes what the check's results become when changes are
	// applied to plan (plan.Version is the version before them), without
	// changing what it holds.
	Prepare(ctx context.Context, plan domain.Plan, changes []Change) (Prepared, error)
}

// Prepared is a check's results after a change set, not yet in effect.
type Prepared interface {
	// Delta is what changed, for the preview and the commit answer; it
	// marshals to JSON.
	Delta() any
	// Commit puts the results in effect once the change set committed and
	// the view is at version; when the checker's results moved meanwhile,
	// it drops them and recomputes on the next Check.
	Commit(ctx context.Context, version int64) error
}

// PreparedSet is every check's preparation of one change set.
type PreparedSet struct {
	names    []string
	prepared []Prepared
}

// Prepare asks every check that can to prepare changes to plan.
func (a *Auditor) Prepare(ctx context.Context, plan domain.Plan, changes []Change) (*PreparedSet, error) {
	ps := &PreparedSet{}
	for _, c := range a.checks {
		p, ok := c.Checker.(Preparer)
		if !ok {
			continue
		}
		pr, err := p.Prepare(ctx, plan, changes)
		if err != nil {
			return nil, fmt.Errorf("%s check: %w", c.Name, err)
		}
		ps.names = append(ps.names, c.Name)
		ps.prepared = append(ps.prepared, pr)
	}
	return ps, nil
}

// Deltas are the checks' deltas by check name.
func (ps *PreparedSet) Deltas() map[string]any {
	out := make(map[string]any, len(ps.names))
	for i, n := range ps.names {
		out[n] = ps.prepared[i].Delta()
	}
	return out
}

// Commit puts every check's prepared results in effect at version. A check
// that fails drops its cache and recomputes later; the errors are joined
// for the caller to log (the change set itself is already committed).
func (ps *PreparedSet) Commit(ctx context.Context, version int64) error {
	var errs []error
	for i, p := range ps.prepared {
		if err := p.Commit(ctx, version); err != nil {
			errs = append(errs, fmt.Errorf("%s check: %w", ps.names[i], err))
		}
	}
	return errors.Join(errs...)
}
