package balance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/cache"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Checker is the balance check: an audit.Checker and audit.Preparer. It is
// long-lived (one per server) and keeps each recently audited view's counts
// in memory (by workspace), keyed by the view's version.
type Checker struct {
	db  *store.DB
	log *slog.Logger

	states *cache.Cache[int64, *planState] // by workspace
	mu     sync.Mutex                      // guards states' creation and the counters
	loads  int                             // plans counted afresh, for tests
	lites  int                             // of which from stored assignments
}

// planState is one plan's cached counts and what of them is written.
type planState struct {
	mu sync.Mutex
	// bytes is about what the state holds, for the cache's budget; set by
	// whoever holds mu after changing m.
	bytes   atomic.Int64
	m       *model
	written *written
	// placesStored: the stored assignments and shapes are the model's, but
	// for what it marked since (model.dirty), so a write needs only those.
	placesStored bool
	places       map[int64]store.BalanceUnitPlace
	// For the current counts: whether their results are stored, the
	// unassigned units and the report (nil until needed).
	stored     bool
	unassigned []UnassignedRow
	section    *Section
}

// Options tune the checker; the zero value is fine.
type Options struct {
	Log *slog.Logger // nil: slog.Default()
	// CacheBytes bounds the counts kept in memory, the least recently
	// audited views' dropped first; 0 means DefaultCacheBytes.
	CacheBytes int64
}

// DefaultCacheBytes bounds the counts kept unless Options say otherwise:
// the scale-1 demo (8,952 grids, 26 k units) takes about 20 MB counted
// from geometry, a tenth of that from stored assignments; a million units
// about 100 MB.
const DefaultCacheBytes = 256 << 20

// New returns the balance checker on db.
func New(db *store.DB, opts Options) *Checker {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	budget := opts.CacheBytes
	if budget == 0 {
		budget = DefaultCacheBytes
	}
	return &Checker{db: db, log: opts.Log, states: cache.New[int64](budget, func(ps *planState) int64 { return ps.bytes.Load() })}
}

var (
	_ audit.Checker  = (*Checker)(nil)
	_ audit.Preparer = (*Checker)(nil)
)

// state returns the view's cache entry (by workspace), creating it when
// create is set.
func (c *Checker) state(ws int64, create bool) *planState {
	if ps, ok := c.states.Get(ws); ok || !create {
		return ps
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.states.Get(ws)
	if !ok {
		ps = &planState{places: map[int64]store.BalanceUnitPlace{}}
		c.states.Put(ws, ps)
	}
	return ps
}

// measured records what ps (locked) holds now, for the cache's budget.
func (c *Checker) measured(ws int64, ps *planState) {
	if ps.m != nil {
		ps.bytes.Store(ps.m.size())
	}
	c.states.Account(ws)
}

// Check audits the view's balance. Counts are reused while the view's
// version is unchanged (and kept up to date by change sets); a level's new
// band or target only re-derives the figures.
func (c *Checker) Check(ctx context.Context, plan domain.Plan) (audit.Section, error) {
	ps := c.state(plan.Workspace, true)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if err := c.ensure(ctx, ps, plan, false); err != nil {
		return nil, err
	}
	defer c.measured(plan.Workspace, ps)
	return ps.refresh(ctx, c.db)
}

// ensure brings ps (locked) to the view's current counts when the data
// moved on. A report is built from the stored assignments when they are
// stamped with the view's version (a new process then reads no geometry);
// full asks for a model that can place units, as preparing an edit needs,
// and counts afresh from the geometry otherwise.
func (c *Checker) ensure(ctx context.Context, ps *planState, plan domain.Plan, full bool) error {
	var s store.BalanceSettings
	var err error
	var lite *model               // counts from the stored results, read with the settings
	stale := false                // stamped results that do not add up: to be written again
	tried := ps.m == nil && !full // whether lite was read
	if tried {
		// Nothing in memory: the settings come with the stored results,
		// in one snapshot and one round of reads.
		if lite, s, err = fromStored(ctx, c.db, plan); errors.Is(err, errStoredStale) {
			lite, err, stale = nil, nil, stamped(s)
		}
	} else {
		s, err = c.db.BalanceSettings(ctx, plan.Workspace)
	}
	if err != nil {
		return err
	}
	if m := ps.m; m == nil || m.version != s.Version || m.epoch != s.UnitsEpoch || m.rule != s.PolygonUnits || (full && m.lite) {
		start := time.Now()
		ps.m = lite
		if !tried && !full && stamped(s) {
			if ps.m, s, err = fromStored(ctx, c.db, plan); errors.Is(err, errStoredStale) {
				ps.m, err, stale = nil, nil, stamped(s)
			}
			if err != nil {
				return err
			}
		}
		if ps.m == nil {
			if ps.m, err = load(ctx, c.db, plan); err != nil {
				ps.m = nil
				return err
			}
		}
		ps.written, ps.places = nil, map[int64]store.BalanceUnitPlace{}
		ps.changed()
		// Results stored for this very version and these settings are
		// what the counts give again: nothing to compare or write (unless
		// someone deleted stats rows behind the stamp's back).
		ps.stored = !stale && s.ResultsVersion == ps.m.version && s.ResultsKey == ps.m.resultsKey() && s.StatsRows == ps.m.liveGrids()
		ps.placesStored = ps.stored
		c.mu.Lock()
		c.loads++
		if ps.m.lite {
			c.lites++
		}
		c.mu.Unlock()
		c.log.Debug("balance counted", "plan", plan.Describe(), "version", ps.m.version, "grids", len(ps.m.grids),
			"units", len(ps.m.units.ids), "from_stored", ps.m.lite, "ms", time.Since(start).Milliseconds())
	} else if !slices.Equal(m.levels, s.Levels) {
		m.levels = s.Levels
		m.derive()
		ps.changed()
	}
	return nil
}

// refresh writes what changed since the counts last changed and builds
// the section, each at most once per change of the counts; the two run
// side by side.
func (ps *planState) refresh(ctx context.Context, db *store.DB) (*Section, error) {
	if err := ps.findUnassigned(ctx, db); err != nil {
		return nil, err
	}
	var err, sectionErr error
	var wg sync.WaitGroup
	if !ps.stored {
		// store reads the model; section also fills its shared-boundary
		// cache, which store does not touch.
		wg.Go(func() { err = ps.store(ctx, db) })
	}
	if ps.section == nil {
		// The merge candidates' shapes are read while the grid rows are
		// built and sorted.
		ps.section, sectionErr = ps.m.section(ps.unassigned, func() error { return ps.m.loadMergeShapes(ctx, db) })
	}
	wg.Wait()
	if err = errors.Join(err, sectionErr); err != nil {
		ps.section = nil
		return nil, err
	}
	if err := ps.m.storeShared(ctx, db); err != nil {
		return nil, err
	}
	return ps.section, nil
}

// findUnassigned lists the current counts' unassigned units, once.
func (ps *planState) findUnassigned(ctx context.Context, db *store.DB) error {
	if ps.unassigned != nil {
		return nil
	}
	rows, err := ps.m.unassignedRows(ctx, db, ps.places)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []UnassignedRow{}
	}
	ps.unassigned = rows
	return nil
}

// store writes the grid_stats rows and findings that changed, then stamps
// them with the version and settings they are for. The report itself is
// built only when asked for, so an edit costs only this.
func (ps *planState) store(ctx context.Context, db *store.DB) error {
	if ps.stored {
		return nil
	}
	if err := ps.findUnassigned(ctx, db); err != nil {
		return err
	}
	// Assignments first, the stamp last: a failure in between leaves the
	// stamp behind the data, and the next audit counts afresh.
	err := db.WriteBalancePlaces(ctx, ps.m.ws, ps.m.placeWrite(!ps.placesStored))
	if err != nil {
		ps.placesStored = false
		return err
	}
	ps.m.placesWritten()
	ps.placesStored = true
	w, err := ps.m.persist(ctx, db, ps.written, ps.m.findings(ps.unassigned))
	if err == nil {
		err = db.SetBalanceResults(ctx, ps.m.ws, ps.m.version, ps.m.resultsKey())
	}
	if err != nil {
		ps.written = nil // unknown: read back before the next write
		return err
	}
	ps.written, ps.stored = w, true
	return nil
}

// changed marks the counts changed: results to write, a report to build.
func (ps *planState) changed() { ps.stored, ps.unassigned, ps.section = false, nil, nil }

// Settings echoes the balance parameters into the report.
func (c *Checker) Settings(plan domain.Plan) map[string]any {
	rule, tol := store.PolygonUnitsAreaShare, plan.Tolerance.SliverWidthM
	var levels []store.BalanceLevel
	if ps := c.state(plan.Workspace, false); ps != nil {
		ps.mu.Lock()
		if ps.m != nil {
			rule, tol, levels = ps.m.rule, ps.m.tol, ps.m.levels
		}
		ps.mu.Unlock()
	}
	if levels == nil {
		for _, l := range plan.Levels {
			levels = append(levels, store.BalanceLevel{Level: l})
		}
	}
	bands := make([]string, len(levels))
	for i, l := range levels {
		bands[i] = fmt.Sprintf("%d %s: %s", l.Level.Level, l.Name, BandText(l.Band))
		if l.TargetPersons > 0 {
			bands[i] += fmt.Sprintf(", target %d persons", l.TargetPersons)
		}
	}
	return map[string]any{
		"balance_polygon_units":   rule,
		"balance_bands":           bands,
		"balance_ideal":           "target_persons of the level where set, else the mean persons of the grids of the same kind under the same parent",
		"balance_adjacency_tol_m": tol,
		"balance_boundary_units":  "a unit on a boundary shared by grids of one level counts in the grid with the smallest code",
		"balance_special_grids":   "carve_out grids count in their level's tiling; overlay grids count their units again, reported apart",
	}
}
