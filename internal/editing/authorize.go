package editing

import (
	"context"
	"slices"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Who may change what is decided here, for every write of every surface
// (the HTTP API, the OGC API's Part 4, the command line), from the actor
// the context carries:
//
//   - the command line holds the database and acts as a local
//     administrator: it may do everything;
//   - anyone else needs a credential (ErrUnauthorized without one) and a
//     grant on the plan whose role includes what the write needs
//     (ErrForbidden naming the role otherwise): planner to edit a draft or
//     make one, approver to publish or to edit the published plan, an
//     approver of the whole plan to revert, an admin of the whole plan to
//     change rules or import data;
//   - a grant scoped to a grid reaches that grid and every grid whose chain
//     of parents leads to it. Every grid a change set changes — the grids
//     its ops name, those whose ground they take or give, children that
//     follow their ground, grids made or removed — must be reached, both as
//     it was and as it will be (a reparent may neither take a grid in from
//     outside nor send one out); the first that is not is ErrForbidden
//     naming it, and the whole change set is rolled back. Writes that only
//     put a neighbour's new vertex on a shared edge change no ground and
//     are not checked, so editing along a scope's border stays possible.

// permit is what the context's actor may do on one plan.
type permit struct {
	actor  domain.Actor
	plan   domain.Plan
	need   domain.Role
	local  bool // the command line
	grants domain.Grants
}

// authorize checks that the context's actor holds need on plan somewhere
// (the scope is checked grid by grid as the write goes).
func (s *Service) authorize(ctx context.Context, plan domain.Plan, need domain.Role) (*permit, error) {
	a := domain.ActorFrom(ctx)
	p := &permit{actor: a, plan: plan, need: need}
	if a.Via == domain.CLIActor().Via { // only the command line sets it; httpapi never does
		p.local = true
		return p, nil
	}
	if a.Via == "anonymous" || a.Name == "" {
		return nil, domain.Errorf(domain.ErrUnauthorized, "changing plan %q needs a credential: send Authorization: Bearer <token> (gridplan token create) or log in at /login",
			plan.Name)
	}
	gs, err := s.db.GrantsOf(ctx, a.Name, plan.ID)
	if err != nil {
		return nil, err
	}
	p.grants = gs
	if !gs.Holds(need) {
		return nil, domain.Errorf(domain.ErrForbidden, "user %q %s on plan %q; this needs the %s role (gridplan grant %s --plan %s --role %s)",
			a.Name, holding(gs), plan.Name, need, a.Name, plan.Name, need)
	}
	return p, nil
}

// authorizeWhole requires need over the whole plan.
func (s *Service) authorizeWhole(ctx context.Context, plan domain.Plan, need domain.Role, what string) error {
	p, err := s.authorize(ctx, plan, need)
	if err != nil {
		return err
	}
	return p.whole(what)
}

// holding says what grants a user has, for messages.
func holding(gs domain.Grants) string {
	if len(gs) == 0 {
		return "has no role"
	}
	var parts []string
	for _, g := range gs {
		if g.Scope == "" {
			parts = append(parts, string(g.Role))
		} else {
			parts = append(parts, string(g.Role)+" of "+g.Scope)
		}
	}
	slices.Sort(parts)
	return "is " + strings.Join(slices.Compact(parts), ", ")
}

// whole requires the permit's role over the whole plan.
func (p *permit) whole(what string) error {
	if p.local || p.grants.Whole(p.need) {
		return nil
	}
	return domain.Errorf(domain.ErrForbidden, "%s needs the %s role on the whole of plan %q; user %q holds it only for %s",
		what, p.need, p.plan.Name, p.actor.Name, p.grants.Scopes(p.need))
}

// reaches requires the permit to reach a grid whose chain of parents
// (its own code first) is chain.
func (p *permit) reaches(code string, chain []string) error {
	if p.local || p.grants.Covers(p.need, chain) {
		return nil
	}
	return domain.Errorf(domain.ErrForbidden, "grid %s lies outside the scope of user %q on plan %q (%s of %s); a %s of it, or of the whole plan, may change it",
		code, p.actor.Name, p.plan.Name, p.need, p.grants.Scopes(p.need), p.need)
}

// checkScope requires the change set's permit to reach grid code as it
// is now (when it exists) and as it will be, under parent (when it will
// still exist).
func (w *work) checkScope(code, parent string, stays bool) error {
	if w.permit.local || w.permit.grants.Whole(w.permit.need) {
		return nil
	}
	chains, err := w.e.Ancestry(w.ctx, []string{code, parent})
	if err != nil {
		return err
	}
	if now, ok := chains[code]; ok {
		if err := w.permit.reaches(code, now); err != nil {
			return err
		}
	}
	if !stays {
		return nil
	}
	after := []string{code}
	if parent != "" {
		after = append(after, chains[parent]...)
	}
	return w.permit.reaches(code, after)
}

// MayEdit reports whether the context's actor may change plan's view
// (a draft, or the published plan): grid code there, or — with code "" —
// some grid of it (whether a new grid may be made, or what a grid that
// does not exist would allow: the role decides, as no scope can be
// checked). Anonymous callers and past revisions may not; it never
// answers ErrUnauthorized or ErrForbidden.
func (s *Service) MayEdit(ctx context.Context, plan domain.Plan, code string) (bool, error) {
	if plan.View.Revision > 0 {
		return false, nil
	}
	p, err := s.authorize(ctx, plan, viewRole(plan))
	switch domain.ErrorCode(err) {
	case domain.ErrUnauthorized, domain.ErrForbidden:
		return false, nil
	case "":
	default:
		return false, err
	}
	if code == "" || p.local || p.grants.Whole(p.need) {
		return true, nil
	}
	chains, err := s.db.Ancestry(ctx, plan.Workspace, []string{code})
	if err != nil {
		return false, err
	}
	chain, ok := chains[code]
	return !ok || p.reaches(code, chain) == nil, nil
}

// viewRole is the role a change of plan's view needs: planner for a
// draft, approver for the published plan (a change there is published at
// once).
func viewRole(plan domain.Plan) domain.Role {
	if plan.View.Draft != "" {
		return domain.RolePlanner
	}
	return domain.RoleApprover
}

// publishScope requires the permit to reach every grid draft d changed
// since its base, as the published plan has it and as the draft does.
func (s *Service) publishScope(ctx context.Context, p *permit, d store.Draft) error {
	if p.local || p.grants.Whole(p.need) {
		return nil
	}
	changed, err := s.db.DraftChanges(ctx, p.plan.ID, d)
	if err != nil {
		return err
	}
	for _, side := range []int64{p.plan.Workspace, d.Workspace} {
		chains, err := s.db.Ancestry(ctx, side, changed)
		if err != nil {
			return err
		}
		for _, code := range changed {
			if chain, ok := chains[code]; ok {
				if err := p.reaches(code, chain); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
