// Package circles measures service circles (服务圈 / 生活圈): for each of a
// plan's rules ("a clinic within 5 minutes' walk at 60 m/min"), the share
// of persons and households who can walk to a facility of the type, plan-wide
// and per grid, who cannot (blind spots), where the facilities' walking
// areas are (isochrones) and where new facilities would help most (siting
// suggestions). It is a use-case package: cmd/gridplan and httpapi call it,
// it reads through the store, and the graph algorithms (CSR network,
// multi-source Dijkstra, nearest-edge snapping, greedy cover) are in geo.
//
// Every unit and facility joins the walking network at its nearest edge and
// the leg from its point to the edge counts at the rule's speed. A plan
// without a network is measured in straight lines and reported as
// method "straight_line", never mistaken for network results.
package circles

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/cache"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/parallel"
	"github.com/gridplan/gridplan/internal/store"
)

// Options tune the checker.
type Options struct {
	// Suggestions is how many new sites to suggest per rule; 0 means 5,
	// a negative number none.
	Suggestions int
	// GridMaxLevel bounds the levels listed in the report's per-grid
	// figures (micro-grids of 20–50 households add volume, not insight);
	// 0 means 3. The per-grid layer of the API serves any level.
	GridMaxLevel int
	// CacheBytes bounds the models and memberships kept in memory; 0
	// means DefaultCacheBytes.
	CacheBytes int64
}

// DefaultCacheBytes bounds what the checker keeps unless Options say
// otherwise: the scale-1 demo's model (26 k units, 60 k network edges) and
// membership take about 40 MB, scale 10 ten times that.
const DefaultCacheBytes = 256 << 20

// Checker is the circles audit and the source of the circles layers. It
// keeps each plan's prepared model (graph, snaps) for the plan's own data
// version with the rules' results, and each view's grid membership for the
// view's version, so repeated audits and layer requests skip the database
// reads and a change set only re-reads which units its grids hold.
type Checker struct {
	db   *store.DB
	opts Options

	mu      sync.Mutex                       // serialises loads; guards models' results
	models  *cache.Cache[int64, *model]      // by plan id, for one data version
	members *cache.Cache[int64, *membership] // by workspace, for one view version
	// evaluating shares one evaluation of a model's rules among the
	// requests that need it at once.
	evaluating singleflight.Group
}

var (
	_ audit.Checker  = (*Checker)(nil)
	_ audit.Preparer = (*Checker)(nil)
)

// New returns a checker on db.
func New(db *store.DB, opts Options) *Checker {
	if opts.Suggestions == 0 {
		opts.Suggestions = 5
	}
	if opts.GridMaxLevel == 0 {
		opts.GridMaxLevel = 3
	}
	budget := opts.CacheBytes
	if budget == 0 {
		budget = DefaultCacheBytes
	}
	// Models are the large part; memberships are an index into them.
	return &Checker{db: db, opts: opts, models: cache.New[int64](budget*3/4, (*model).size),
		members: cache.New[int64](budget/4, (*membership).size)}
}

// model returns plan's prepared model and the view's membership, loading
// what changed. Loads are serialised so that concurrent requests load a
// plan once.
func (c *Checker) model(ctx context.Context, plan domain.Plan) (*model, *membership, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, _ := c.models.Get(plan.ID)
	ms, _ := c.members.Get(plan.Workspace)
	// The view's grids are read while the model loads, on another
	// connection; locating the units in them needs the model.
	var shapes gridShapes
	var shapesErr error
	var wg sync.WaitGroup
	if ms == nil || ms.version != plan.Version {
		wg.Go(func() { shapes, shapesErr = readGridShapes(ctx, c.db, plan) })
	}
	if m == nil || m.version != plan.DataVersion {
		var err error
		if m, err = loadModel(ctx, c.db, plan); err != nil {
			wg.Wait()
			return nil, nil, err
		}
		c.models.Put(plan.ID, m)
	}
	wg.Wait()
	if ms == nil || ms.version != plan.Version {
		if shapesErr != nil {
			return nil, nil, shapesErr
		}
		ms = shapes.locate(m)
		c.members.Put(plan.Workspace, ms)
	}
	return m, ms, nil
}

// Evaluate measures every rule of plan.
func (c *Checker) Evaluate(ctx context.Context, plan domain.Plan) ([]*Result, error) {
	rules, err := c.db.CircleRules(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	m, ms, err := c.model(ctx, plan)
	if err != nil {
		return nil, err
	}
	key, _ := json.Marshal(rules)
	c.mu.Lock()
	results, ok := m.results[string(key)]
	c.mu.Unlock()
	if !ok {
		v, _, _ := c.evaluating.Do(fmt.Sprintf("%p|%s", m, key), func() (any, error) {
			results := m.evaluateAll(rules)
			c.mu.Lock()
			if len(m.results) >= 8 {
				clear(m.results)
			}
			m.results[string(key)] = results
			c.models.Account(plan.ID) // the results count toward the budget
			c.mu.Unlock()
			return results, nil
		})
		results = v.([]*Result)
	}
	out := make([]*Result, len(results))
	for i, r := range results {
		v := *r
		v.members = ms
		out[i] = &v
	}
	return out, nil
}

// evaluateAll measures the rules in parallel, one search per worker.
func (m *model) evaluateAll(rules []domain.CircleRule) []*Result {
	out := make([]*Result, len(rules))
	parallel.ForEach(len(rules), m.newSearch, func(search *geo.Search, i int) {
		out[i] = m.evaluate(rules[i], search)
	})
	return out
}

// newSearch is a search buffer on the model's network, nil without one.
func (m *model) newSearch() *geo.Search {
	if m.net == nil {
		return nil
	}
	return m.net.NewSearch()
}

// Rule measures one rule of plan: the stored rule for facilityType and
// minutes (the type's shortest one when minutes is 0), or, when the plan
// has none and minutes is given, an ad-hoc rule at the default speed.
func (c *Checker) Rule(ctx context.Context, plan domain.Plan, facilityType string, minutes int) (*Result, error) {
	rules, err := c.db.CircleRules(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	rule, found := domain.CircleRule{}, false
	for _, r := range rules {
		if r.FacilityType == facilityType && (minutes == 0 || r.Minutes == minutes) {
			rule, found = r, true
			break
		}
	}
	if !found {
		if minutes == 0 {
			return nil, domain.Errorf(domain.ErrNotFound, "plan %q has no circle rule for facility type %q; give minutes for an ad-hoc one", plan.Name, facilityType)
		}
		rule = domain.CircleRule{FacilityType: facilityType, Minutes: minutes,
			SpeedMPerMin: domain.DefaultWalkingSpeed, TargetPct: domain.DefaultTargetPct}
		if err := rule.Validate(); err != nil {
			return nil, err
		}
	}
	m, ms, err := c.model(ctx, plan)
	if err != nil {
		return nil, err
	}
	r := m.evaluate(rule, m.newSearch())
	r.members = ms
	return r, nil
}

// Check runs the circles audit: every rule plan-wide and per grid, with
// siting suggestions, and stores the blind spots as the plan's circles
// findings for the map and GIS tools.
func (c *Checker) Check(ctx context.Context, plan domain.Plan) (audit.Section, error) {
	results, err := c.Evaluate(ctx, plan)
	if err != nil {
		return nil, err
	}
	s := c.section(plan, results)
	// The findings follow from the view's version and its rules; when this
	// checker stored them for the same pair, they are still there as they
	// were, and rewriting thousands of rows would only cost time.
	rules := make([]domain.CircleRule, len(results))
	for i, r := range results {
		rules[i] = r.Rule
	}
	key, _ := json.Marshal(struct {
		Version int64
		Rules   []domain.CircleRule
	}{plan.Version, rules})
	c.mu.Lock()
	stored := len(results) > 0 && results[0].members.findingsKey == string(key)
	c.mu.Unlock()
	if !stored {
		// Stored by another process (or this one before a restart) for the
		// same version and rules: a hundred thousand rows at scale 10 need
		// not be written again.
		inDB, err := c.db.FindingsStamp(ctx, plan.Workspace, audit.Circles)
		if err != nil {
			return nil, err
		}
		if inDB != string(key) {
			if err := c.db.ReplaceFindings(ctx, plan.Workspace, audit.Circles, string(key), blindSpotFindings(results)); err != nil {
				return nil, err
			}
		}
		if len(results) > 0 {
			c.mu.Lock()
			results[0].members.findingsKey = string(key)
			c.mu.Unlock()
		}
	}
	return s, nil
}

// Settings echoes the checker's parameters in the report.
func (c *Checker) Settings(domain.Plan) map[string]any {
	return map[string]any{"circles_suggestions": max(c.opts.Suggestions, 0), "circles_grid_max_level": c.opts.GridMaxLevel}
}
