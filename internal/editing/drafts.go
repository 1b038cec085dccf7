package editing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// CreateDraft branches draft name of plan from revision from (0: the
// published plan as it is).
func (s *Service) CreateDraft(ctx context.Context, plan domain.Plan, name string, from int, message string) (store.Draft, error) {
	if _, err := s.authorize(ctx, plan, domain.RolePlanner); err != nil {
		return store.Draft{}, err
	}
	return s.db.CreateDraft(ctx, plan, name, domain.ActorFrom(ctx).Name, message, from)
}

// DiscardDraft gives up an open draft: its grids are deleted, and it stays
// listed as discarded. Its author may discard it with the planner role; a
// draft someone else made needs the approver role over the whole plan.
func (s *Service) DiscardDraft(ctx context.Context, plan domain.Plan, draft string) (store.Draft, error) {
	permit, err := s.authorize(ctx, plan, domain.RolePlanner)
	if err != nil {
		return store.Draft{}, err
	}
	d, err := s.db.Draft(ctx, plan, draft)
	if err != nil {
		return store.Draft{}, err
	}
	actor := domain.ActorFrom(ctx)
	if !permit.local && d.Author != actor.Name {
		what := fmt.Sprintf("discarding draft %q, which user %q made,", draft, d.Author)
		if err := s.authorizeWhole(ctx, plan, domain.RoleApprover, what); err != nil {
			return store.Draft{}, err
		}
	}
	view := s.lockView(d.Workspace) // no change set of the draft runs meanwhile
	defer view.Unlock()
	return s.db.DiscardDraft(ctx, plan, draft, actor.Name)
}

// Drafts lists plan's drafts.
func (s *Service) Drafts(ctx context.Context, plan domain.Plan) ([]store.Draft, error) {
	return s.db.Drafts(ctx, plan.ID)
}

// Published is what publishing a draft did.
type Published struct {
	Revision int      `json:"revision"`
	Rebased  []string `json:"rebased"` // grids published meanwhile that the draft took in first
	Changed  []string `json:"changed"` // grids whose published state changed
}

// findings is what a coverage section offers besides its error count.
type findings interface {
	Findings() []domain.Finding
}

// Publish makes a draft the published plan. A draft based on an older
// revision first takes in what was published since (when the two changed
// different grids; 409 naming the grids both changed otherwise). It is
// refused while the draft has coverage errors, which the message lists;
// warnings (slivers) do not stop it.
func (s *Service) Publish(ctx context.Context, plan domain.Plan, draft, message string) (*Published, error) {
	actor := domain.ActorFrom(ctx)
	permit, err := s.authorize(ctx, plan, domain.RoleApprover)
	if err != nil {
		return nil, err
	}
	view := s.lockView(plan.Workspace)
	defer view.Unlock()
	d, err := s.db.Draft(ctx, plan, draft)
	if err != nil {
		return nil, err
	}
	if d.State == "discarded" {
		return nil, domain.Errorf(domain.ErrNotFound, "draft %q of plan %q was discarded", draft, plan.Name)
	}
	if d.State != "open" {
		return nil, domain.Errorf(domain.ErrConflict, "draft %q of plan %q was already published as revision %d", draft, plan.Name, *d.Published)
	}
	dv := s.lockView(d.Workspace)
	defer dv.Unlock()
	// Checked before the rebase, so a refused publish changes nothing.
	if err := s.publishScope(ctx, permit, d); err != nil {
		return nil, err
	}
	out := &Published{Rebased: []string{}}
	rebased, err := s.db.Rebase(ctx, plan, d, actor.Name)
	var both *store.ErrBothChanged
	if errors.As(err, &both) {
		return nil, domain.Errorf(domain.ErrConflict, "draft %q and the published plan %q both changed grids %s since revision %d; make a new draft from the published plan and redo this draft's edits of those grids there",
			draft, plan.Name, strings.Join(both.Codes, ", "), d.BaseRevision)
	}
	if err != nil {
		return nil, err
	}
	if rebased != nil {
		out.Rebased = rebased
	}
	if c := s.auditor.Checker(audit.Coverage); c != nil {
		dp, err := s.db.PlanView(ctx, plan.Name, domain.View{Draft: draft})
		if err != nil {
			return nil, err
		}
		sec, err := c.Check(ctx, dp)
		if err != nil {
			return nil, err
		}
		if n := sec.Errors(); n > 0 {
			return nil, domain.Errorf(domain.ErrRefused, "draft %q has %d coverage error(s); fix them before publishing: %s",
				draft, n, listErrors(sec))
		}
	}
	out.Revision, out.Changed, err = s.db.Publish(ctx, plan, d, actor.Name, message)
	if err != nil {
		return nil, err
	}
	if out.Changed == nil {
		out.Changed = []string{}
	}
	return out, nil
}

// listErrors names a section's error findings, a few of them.
func listErrors(sec audit.Section) string {
	f, ok := sec.(findings)
	if !ok {
		return "see the draft's coverage audit"
	}
	var parts []string
	for _, x := range f.Findings() {
		if x.Severity != domain.SeverityError {
			continue
		}
		if len(parts) == 10 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s of %s (%.1f m²)", x.Kind, strings.Join(x.Grids, ", "), x.AreaM2))
	}
	return strings.Join(parts, "; ")
}

// Revert records a new published revision equal to revision rev.
func (s *Service) Revert(ctx context.Context, plan domain.Plan, rev int) (int, []string, error) {
	// A revert rewrites the published plan as a whole.
	if err := s.authorizeWhole(ctx, plan, domain.RoleApprover, "reverting"); err != nil {
		return 0, nil, err
	}
	view := s.lockView(plan.Workspace)
	defer view.Unlock()
	return s.db.Revert(ctx, plan, rev, domain.ActorFrom(ctx).Name)
}
