package editing

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Service is the one way gridplan's data is written: the HTTP API, the
// command line and the OGC API's editing all call it, with the actor in
// the context, so what is allowed is decided in one place.
type Service struct {
	db      *store.DB
	auditor *audit.Auditor
	log     *slog.Logger

	mu    sync.Mutex
	views map[int64]*sync.Mutex // per workspace: change sets of one view in turn
	slots chan struct{}         // change sets in flight, bounded below the pool size
}

// Options tune the service.
type Options struct {
	// Concurrent bounds the change sets in their transaction at once; each
	// holds a connection while the checks prepare on others, so it must
	// stay below the pool size. 0 means 8.
	Concurrent int
}

// New returns the editing service on db; auditor's checks learn of every
// change set (nil: none do).
func New(db *store.DB, auditor *audit.Auditor, log *slog.Logger, opts Options) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Concurrent <= 0 {
		opts.Concurrent = 8
	}
	if auditor == nil {
		auditor = audit.New()
	}
	return &Service{db: db, auditor: auditor, log: log, views: map[int64]*sync.Mutex{}, slots: make(chan struct{}, opts.Concurrent)}
}

// Result is the answer to a change set, preview or commit.
type Result struct {
	Revision     *int               `json:"revision"`
	DraftVersion int64              `json:"draft_version"`
	Codes        [][]string         `json:"codes"`
	Lineage      []store.LineageRow `json:"lineage"`
	Changed      []string           `json:"changed"`
	Checks       map[string]any     `json:"-"`
	Preview      bool               `json:"preview"`
}

// MarshalJSON writes the result's keys and one key per check's delta
// (coverage, balance, circles).
func (r *Result) MarshalJSON() ([]byte, error) {
	type plain Result
	b, err := json.Marshal((*plain)(r))
	if err != nil || len(r.Checks) == 0 {
		return b, err
	}
	extra, err := json.Marshal(r.Checks)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), extra[1:]...), nil
}

// Apply applies a change set to plan's view (a draft, or the published
// plan), all its ops or none, and answers with what it did: the checks'
// figures before and after, new codes and lineage. With dryRun nothing is
// stored (a preview).
func (s *Service) Apply(ctx context.Context, plan domain.Plan, cs ChangeSet, dryRun bool) (*Result, error) {
	if plan.View.Revision > 0 {
		return nil, domain.Errorf(domain.ErrConflict, "%s is a past revision and cannot be edited; create a draft from it", plan.Describe())
	}
	permit, err := s.authorize(ctx, plan, viewRole(plan))
	if err != nil {
		return nil, err
	}
	view := s.lockView(plan.Workspace)
	defer view.Unlock()
	s.slots <- struct{}{}
	defer func() { <-s.slots }()

	actor := domain.ActorFrom(ctx)
	noise, _, err := s.db.CoverageSettings(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	res := &Result{Preview: dryRun, Codes: make([][]string, len(cs.Ops)), Lineage: []store.LineageRow{}}
	var prepared *audit.PreparedSet
	err = s.db.Edit(ctx, plan.Workspace, !dryRun, func(e *store.Edit) error {
		plan.GridVersion = e.Version
		plan.Version = plan.DataVersion + e.Version
		base := cs.Base
		if base == 0 {
			base = e.Version
		}
		if base > e.Version {
			return domain.Errorf(domain.ErrPrecondition, "base %d is newer than %s's version %d", base, plan.Describe(), e.Version)
		}
		w := &work{ctx: ctx, e: e, plan: plan, permit: permit, base: base, noiseM: noise, before: map[string]*domain.Grid{},
			semantic: map[string]bool{}, written: map[string]bool{}, codes: res.Codes}
		if plan.Boundary != nil {
			b, err := e.ToMetric(ctx, []orb.Geometry{plan.Boundary})
			if err != nil {
				return err
			}
			w.boundary = multi(b[0])
		}
		for _, code := range sortedCodes(cs.Expect) {
			g, ok, err := e.Grid(ctx, code)
			if err != nil {
				return err
			}
			if !ok {
				return domain.Errorf(domain.ErrNotFound, "grid %q does not exist in %s", code, plan.Describe())
			}
			if g.Version != cs.Expect[code] {
				return domain.Errorf(domain.ErrPrecondition, "grid %s is at version %d, not %d: reload it and edit again",
					code, g.Version, cs.Expect[code])
			}
		}
		for i, op := range cs.Ops {
			w.op, w.kind = i, op.Kind
			if err := w.apply(op); err != nil {
				return err
			}
			if err := w.closeOp(); err != nil {
				return err
			}
		}
		changes, err := w.changes()
		if err != nil {
			return err
		}
		for _, c := range changes {
			res.Changed = append(res.Changed, c.Code)
		}
		res.DraftVersion = e.Version
		if !dryRun {
			ops := make([]json.RawMessage, len(cs.Ops))
			for i, op := range cs.Ops {
				ops[i] = op.Raw()
			}
			raw, _ := json.Marshal(ops)
			rev, err := e.Record(ctx, store.Record{Kind: store.RevisionEdit, Author: actor.Name, Message: cs.Message, Ops: raw})
			if err != nil {
				return err
			}
			for i := range w.lineage {
				w.lineage[i].Revision = rev
			}
			if err := e.AddLineage(ctx, rev, w.lineage); err != nil {
				return err
			}
			res.Revision, res.DraftVersion = &rev, e.Next
		}
		res.Lineage = append(res.Lineage, w.lineage...)
		// The checks prepare their figures while the change set still
		// holds the view: what they read of the database is the state
		// before it.
		if prepared, err = s.auditor.Prepare(ctx, plan, changes); err != nil {
			return err
		}
		res.Checks = prepared.Deltas()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !dryRun {
		if err := prepared.Commit(ctx, plan.DataVersion+res.DraftVersion); err != nil {
			s.log.Warn("checks after a change set", "plan", plan.Describe(), "err", err)
		}
	}
	return res, nil
}

func (s *Service) lockView(ws int64) *sync.Mutex {
	s.mu.Lock()
	m := s.views[ws]
	if m == nil {
		m = &sync.Mutex{}
		s.views[ws] = m
	}
	s.mu.Unlock()
	m.Lock()
	return m
}

// apply applies one op.
func (w *work) apply(op Op) error {
	if err := w.toMetric(&op); err != nil {
		return err
	}
	switch op.Kind {
	case OpReshape:
		return w.reshape(op)
	case OpMoveBoundary:
		return w.moveBoundary(op)
	case OpSplit:
		return w.split(op)
	case OpMerge:
		keep := op.Keep
		return w.merge(op.Grids, keep, op.Name)
	case OpDelete:
		return w.deleteGrid(op)
	case OpReparent:
		return w.reparent(op)
	case OpCreate:
		return w.create(op)
	case OpRename:
		return w.rename(op)
	case OpSet:
		return w.set(op)
	}
	return w.refuse("unknown op")
}

// changes lists what the change set did to each grid it wrote, before and
// after, in the form the checks read.
func (w *work) changes() ([]audit.Change, error) {
	codes := slices.Clone(w.order)
	metric, err := w.e.Metric(w.ctx, codes)
	if err != nil {
		return nil, err
	}
	var out []audit.Change
	for _, code := range codes {
		ch := audit.Change{Code: code}
		if b := w.before[code]; b != nil {
			ch.Before = stateOf(*b, store.MetricGrid{})
		}
		if m, ok := metric[code]; ok {
			g, _, err := w.e.Grid(w.ctx, code)
			if err != nil {
				return nil, err
			}
			if !m.Valid && (w.before[code] == nil || w.validBefore(code)) {
				// Ops build valid tilings from valid input; this is a
				// degenerate case of the construction, refused rather
				// than stored.
				return nil, domain.Errorf(domain.ErrRefused, "the change set would leave grid %s invalid (%s); draw it a little differently", code, m.Reason)
			}
			ch.After = stateOf(g, m)
			ch.Noded = ch.Before != nil && !w.semantic[code]
		}
		if ch.Before == nil && ch.After == nil {
			continue // made and removed again within the change set
		}
		out = append(out, ch)
	}
	return out, nil
}

// toMetric moves the op's WGS84 shapes into the plan's CRS, where edits
// are built, in one round trip.
func (w *work) toMetric(op *Op) error {
	var in []orb.Geometry
	if op.Geometry != nil {
		in = append(in, op.Geometry)
	}
	if op.Line != nil {
		in = append(in, op.Line)
	}
	for _, l := range op.Lines {
		in = append(in, l)
	}
	if op.Feature != nil {
		in = append(in, op.Feature.Geometry)
	}
	if len(in) == 0 {
		return nil
	}
	out, err := w.e.ToMetric(w.ctx, in)
	if err != nil {
		return w.refuse("the op's geometry cannot be moved into the plan's CRS: %v", err)
	}
	k := 0
	if op.Geometry != nil {
		op.Geometry, k = multi(out[k]), k+1
	}
	if op.Line != nil {
		op.Line, k = out[k].(orb.LineString), k+1
	}
	lines := make([]orb.LineString, len(op.Lines))
	for i := range op.Lines {
		lines[i], k = out[k].(orb.LineString), k+1
	}
	if op.Lines != nil {
		op.Lines = lines
	}
	if op.Feature != nil {
		f := *op.Feature
		f.Geometry = multi(out[k])
		op.Feature = &f
	}
	for _, g := range []orb.MultiPolygon{op.Geometry, featureGeometry(op.Feature)} {
		if g == nil {
			continue
		}
		reason, err := w.e.Invalid(w.ctx, g)
		if err != nil {
			return err
		}
		if reason != "" {
			return w.refuse("the shape drawn is not a valid polygon: %s", reason)
		}
	}
	return nil
}

func featureGeometry(f *domain.Grid) orb.MultiPolygon {
	if f == nil {
		return nil
	}
	return f.Geometry
}

func stateOf(g domain.Grid, m store.MetricGrid) *domain.GridState {
	return &domain.GridState{Code: g.Code, Name: g.Name, Parent: g.Parent, Level: g.Level, Kind: g.Kind,
		Category: g.Category, Mode: g.Mode, Metric: m.Geometry, Valid: m.Valid, Reason: m.Reason}
}
