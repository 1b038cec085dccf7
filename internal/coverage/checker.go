package coverage

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"golang.org/x/sync/singleflight"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/cache"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// DefaultCacheBytes bounds the coverage states kept (one per view:
// published plans, drafts, revisions) unless Options say otherwise: a
// scale-1 plan takes about 15 MB, scale 10 ten times that.
const DefaultCacheBytes = 256 << 20

// Checker is the coverage audit: an audit.Checker and audit.Preparer. It
// keeps each view's state (by workspace), keyed by the view's version, so
// a repeated audit is free and an audit after a change set redoes only the
// surroundings of the grids it touched.
type Checker struct {
	db  *store.DB
	log *slog.Logger

	states *cache.Cache[int64, *state] // by workspace
	// computing shares one computation of a view's state among the
	// requests that need it at once.
	computing singleflight.Group
}

var (
	_ audit.Checker  = (*Checker)(nil)
	_ audit.Preparer = (*Checker)(nil)
)

// Options configure a Checker.
type Options struct {
	Log *slog.Logger // debug lines on cache use; nil logs nothing
	// CacheBytes bounds the states kept in memory; 0 means
	// DefaultCacheBytes.
	CacheBytes int64
}

// New returns a coverage checker on db.
func New(db *store.DB, opts Options) *Checker {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	budget := opts.CacheBytes
	if budget == 0 {
		budget = DefaultCacheBytes
	}
	return &Checker{db: db, log: log, states: cache.New[int64](budget, (*state).size)}
}

// Check audits the view's coverage, reusing the cached state when its
// version (and tolerance) has not changed, and stores the findings in the
// finding table whenever they change.
func (c *Checker) Check(ctx context.Context, plan domain.Plan) (audit.Section, error) {
	st, err := c.current(ctx, plan)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	s := st.section()
	if err := c.store(ctx, plan.Workspace, st, s); err != nil {
		return nil, fmt.Errorf("%s: store coverage findings: %w", plan.Describe(), err)
	}
	return s, nil
}

// current returns the view's state at plan.Version, locked, computing it
// when the cache has none for that version.
func (c *Checker) current(ctx context.Context, plan domain.Plan) (*state, error) {
	st := c.cached(plan.Workspace)
	if st != nil {
		st.mu.Lock()
		if st.version == plan.Version && st.data.Tolerance == plan.Tolerance {
			return st, nil
		}
		st.mu.Unlock()
	}
	key := fmt.Sprintf("%d|%d|%v", plan.Workspace, plan.Version, plan.Tolerance)
	shared := context.WithoutCancel(ctx)
	v, err, _ := c.computing.Do(key, func() (any, error) {
		st, err := c.compute(shared, plan)
		if err == nil {
			c.keep(plan.Workspace, st)
		}
		return st, err
	})
	if err != nil {
		return nil, err
	}
	st = v.(*state)
	st.mu.Lock()
	return st, nil
}

// store writes the findings of st (locked) once per state, unless the
// stored ones are stamped as computed for the same version and settings
// (another process, or this one before a restart, wrote them).
func (c *Checker) store(ctx context.Context, ws int64, st *state, s *Section) error {
	if st.stored {
		return nil
	}
	stamp := fmt.Sprintf("coverage/1 %d %v %g", st.version, st.data.Tolerance, st.data.NoiseM)
	stored, err := c.db.FindingsStamp(ctx, ws, audit.Coverage)
	if err != nil {
		return err
	}
	if stored != stamp {
		if err := c.db.ReplaceFindings(ctx, ws, audit.Coverage, stamp, s.findings); err != nil {
			return err
		}
	}
	st.stored = true
	return nil
}

// Settings are the tolerances the last check of plan used.
func (c *Checker) Settings(plan domain.Plan) map[string]any {
	m := map[string]any{"sliver_area_m2": plan.Tolerance.SliverAreaM2, "sliver_width_m": plan.Tolerance.SliverWidthM,
		"noise_m": store.DefaultCoverageNoiseM}
	if st := c.cached(plan.Workspace); st != nil {
		st.mu.Lock()
		defer st.mu.Unlock()
		m["sliver_area_m2"], m["sliver_width_m"] = st.data.Tolerance.SliverAreaM2, st.data.Tolerance.SliverWidthM
		m["noise_m"], m["allowed_gap_masks"] = st.data.NoiseM, len(st.data.Mask)
	}
	return m
}

// The cache is keyed by workspace: one state per view.
func (c *Checker) cached(ws int64) *state {
	st, _ := c.states.Get(ws)
	return st
}

func (c *Checker) keep(ws int64, st *state) { c.states.Put(ws, st) }

// replace puts next in the place of old, when old is still cached.
func (c *Checker) replace(ws int64, old, next *state) bool { return c.states.Swap(ws, old, next) }

// size is about how many bytes st holds: its grids' coordinates and a
// little per grid and finding.
func (st *state) size() int64 {
	var n int64
	for _, g := range st.grids {
		n += int64(geo.NumPoints(g.Geometry))*16 + 300
	}
	for _, parts := range []map[string][]domain.Finding{st.groups, st.spills, st.perGrid} {
		for _, fs := range parts {
			n += int64(len(fs)) * 400
		}
	}
	return n
}

// compute audits a plan from scratch: one snapshot read, edge matching per
// parent, one overlay round trip for the failing places, one transform
// round trip for the places computed in Go.
func (c *Checker) compute(ctx context.Context, plan domain.Plan) (*state, error) {
	data, err := c.db.CoverageData(ctx, plan.Workspace)
	if err != nil {
		return nil, err
	}
	st := newState(plan, data)
	codes := make([]string, 0, len(st.grids))
	for code := range st.grids {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var ps parentSet
	windows, specials := st.checkAll(st.groupKeys(), st.roots(codes))
	st.specials = specials
	if st.groups, st.spills, err = st.overlay(ctx, c.db, windows, &ps); err != nil {
		return nil, err
	}
	drafts := st.boundaryDrafts()
	nPlain := len(drafts)
	for _, code := range codes {
		drafts = append(drafts, st.gridDrafts(code)...)
	}
	done, err := finish(ctx, c.db, st.data.SRID, drafts)
	if err != nil {
		return nil, err
	}
	st.plain = done[:nPlain]
	for _, f := range done[nPlain:] {
		st.perGrid[f.Grids[0]] = append(st.perGrid[f.Grids[0]], f)
	}
	c.log.Debug("coverage computed", "plan", plan.Describe(), "version", st.version, "grids", len(st.grids),
		"windows", len(windows))
	return st, nil
}
