package circles

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/parallel"
	"github.com/gridplan/gridplan/internal/store"
)

// model is what the circles need of one version of a plan's own data
// (plan.DataVersion), loaded once and prepared: units and facilities as
// points, the walking network as a CSR graph with every unit and facility
// snapped to its nearest edge. Rules are evaluated on it without the
// database. Grids do not enter it: which units each grid holds is a
// membership per view, so a change set re-evaluates nothing.
type model struct {
	planID     int64
	version    int64 // the plan's DataVersion
	srid       int
	units      []store.Place
	facilities []store.Place
	unitIdx    *geo.PointBuckets // unit points, metric

	// The network; net is nil when the plan has none (straight-line method).
	net     *geo.Network
	snapper *geo.Snapper
	nodeID  []int64
	nodeLL  []orb.Point // WGS84
	nodeXY  []orb.Point // metric
	unitAt  []geo.Snap  // by unit
	facAt   []geo.Snap  // by facility
	// The units snapped to each link: linkUnits[linkStart[l]:linkStart[l+1]].
	linkStart, linkUnits []int32

	personsTotal, householdsTotal int64

	// thin caches siting candidates by cell size (see candidates).
	thin *thinned

	// results caches the rules' results by the rules' JSON; guarded by
	// Checker.mu.
	results map[string][]*Result
}

type gridMembers struct {
	code, name string
	level      int
	units      []int32 // indexes into model.units
}

// loadModel reads and prepares plan's data.
func loadModel(ctx context.Context, db *store.DB, plan domain.Plan) (*model, error) {
	m := &model{planID: plan.ID, version: plan.DataVersion, srid: plan.SRID, results: map[string][]*Result{},
		thin: &thinned{byCell: map[float64][]int32{}}}
	// Units, facilities and the network are read side by side, on three
	// connections: at scale 10 each takes a good part of a second.
	var nodes []domain.Node
	var lonlat []orb.Point
	var edges []domain.Edge
	var unitsErr, facilitiesErr, networkErr error
	var wg sync.WaitGroup
	wg.Go(func() { m.units, unitsErr = db.UnitPlaces(ctx, plan.ID) })
	wg.Go(func() { m.facilities, facilitiesErr = db.FacilityPlaces(ctx, plan.ID, nil) })
	wg.Go(func() { nodes, lonlat, edges, networkErr = db.MetricNetwork(ctx, plan.ID) })
	wg.Wait()
	switch {
	case unitsErr != nil:
		return nil, fmt.Errorf("units of plan %q: %w", plan.Name, unitsErr)
	case facilitiesErr != nil:
		return nil, fmt.Errorf("facilities of plan %q: %w", plan.Name, facilitiesErr)
	case networkErr != nil:
		return nil, fmt.Errorf("network of plan %q: %w", plan.Name, networkErr)
	}
	pts := make([]orb.Point, len(m.units))
	for i, u := range m.units {
		m.personsTotal += int64(u.Persons)
		m.householdsTotal += int64(u.Households)
		pts[i] = u.Metric
	}
	m.unitIdx = geo.NewPointBuckets(pts, 16)
	if len(edges) > 0 {
		if err := m.prepareNetwork(nodes, lonlat, edges); err != nil {
			return nil, fmt.Errorf("network of plan %q: %w", plan.Name, err)
		}
	}
	return m, nil
}

// membership is which units each grid of one view holds: those whose
// point (a point on the surface of polygon units) lies in it, boundary
// included, as PostGIS's ST_Intersects has it.
type membership struct {
	version int64 // the view's Version
	grids   []gridMembers
	byCode  map[string]int
	// findingsKey says for which version and rules this checker last
	// stored the view's blind-spot findings; guarded by Checker.mu.
	findingsKey string
}

// The view's membership: its grids are read (readGridShapes) and, per
// level, a point locator over the level's grids places every unit's
// point, boundary included (a unit on a shared edge is in both grids;
// gridShapes.locate). Reading the shapes and locating in Go costs a
// fraction of the spatial join PostgreSQL would run for it (a second
// against eleven at scale 10).

// gridShapes are a view's grids with their shapes, not yet holding units.
type gridShapes struct {
	ms     *membership
	shapes []orb.MultiPolygon
}

func readGridShapes(ctx context.Context, db *store.DB, plan domain.Plan) (gridShapes, error) {
	g := gridShapes{ms: &membership{version: plan.Version, byCode: map[string]int{}}}
	err := db.EachGridShape(ctx, plan.Workspace, func(bg store.BalanceGrid) error {
		g.ms.byCode[bg.Code] = len(g.ms.grids)
		g.ms.grids = append(g.ms.grids, gridMembers{code: bg.Code, name: bg.Name, level: bg.Level})
		g.shapes = append(g.shapes, bg.Geometry)
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("grids of %s: %w", plan.Describe(), err)
	}
	return g, nil
}

// locate finds model m's units in the grids.
func (g gridShapes) locate(m *model) *membership {
	ms, shapes := g.ms, g.shapes
	var levels [][]int // per level, the indexes of its grids (grids come by level)
	for i, g := range ms.grids {
		if i == 0 || g.level != ms.grids[i-1].level {
			levels = append(levels, nil)
		}
		levels[len(levels)-1] = append(levels[len(levels)-1], i)
	}
	parallel.For(len(levels), func(l int) {
		ids := levels[l]
		polys := make([]orb.MultiPolygon, len(ids))
		for k, i := range ids {
			polys[k] = shapes[i]
		}
		loc := geo.NewPointLocator(polys)
		var buf []int
		for u, p := range m.units {
			buf = loc.Containing(p.Metric, buf[:0])
			for _, k := range buf {
				gm := &ms.grids[ids[k]]
				gm.units = append(gm.units, int32(u))
			}
		}
	})
	return ms
}

// members lists the units of m whose point lies in g (metric CRS).
func (m *model) members(g orb.MultiPolygon) []int32 {
	var out []int32
	for _, u := range m.unitIdx.InBound(g.Bound(), nil) {
		if planar.MultiPolygonContains(g, m.units[u].Metric) {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// with is the membership after grids changed: changed maps a code to its
// new members, or to nil when the grid is gone.
func (ms *membership) with(version int64, changed map[string]*gridMembers) *membership {
	out := &membership{version: version, byCode: map[string]int{}}
	for _, g := range ms.grids {
		if _, ok := changed[g.code]; !ok {
			out.grids = append(out.grids, g)
		}
	}
	for _, g := range changed {
		if g != nil {
			out.grids = append(out.grids, *g)
		}
	}
	slices.SortFunc(out.grids, func(a, b gridMembers) int {
		if a.level != b.level {
			return a.level - b.level
		}
		return strings.Compare(a.code, b.code)
	})
	for i, g := range out.grids {
		out.byCode[g.code] = i
	}
	return out
}

// prepareNetwork builds the graph and snaps every unit and facility.
func (m *model) prepareNetwork(nodes []domain.Node, lonlat []orb.Point, edges []domain.Edge) error {
	index := make(map[int64]int32, len(nodes))
	m.nodeID = make([]int64, len(nodes))
	for i, n := range nodes {
		index[n.ID] = int32(i)
		m.nodeID[i] = n.ID
	}
	m.nodeLL = lonlat
	m.nodeXY = make([]orb.Point, len(nodes))
	for i, n := range nodes {
		m.nodeXY[i] = n.Point
	}
	links := make([]geo.Link, len(edges))
	lines := make([]orb.LineString, len(edges))
	for i, e := range edges {
		from, ok1 := index[e.Source]
		to, ok2 := index[e.Target]
		if !ok1 || !ok2 {
			return fmt.Errorf("edge %d joins node %d and %d, one of which does not exist", e.ID, e.Source, e.Target)
		}
		links[i] = geo.Link{From: from, To: to, Cost: e.LengthM}
		lines[i] = e.Geometry
	}
	net, err := geo.NewNetwork(len(nodes), links)
	if err != nil {
		return err
	}
	m.net = net
	m.snapper = geo.NewSnapper(lines)
	m.unitAt = snapAll(m.snapper, m.units)
	m.facAt = snapAll(m.snapper, m.facilities)
	m.linkStart = make([]int32, len(links)+1)
	for _, s := range m.unitAt {
		m.linkStart[s.Link+1]++
	}
	for l := range links {
		m.linkStart[l+1] += m.linkStart[l]
	}
	m.linkUnits = make([]int32, len(m.units))
	next := append([]int32(nil), m.linkStart[:len(links)]...)
	for u, s := range m.unitAt {
		m.linkUnits[next[s.Link]] = int32(u)
		next[s.Link]++
	}
	return nil
}

// snapAll snaps places to the network, on every core: the R-tree is only
// read.
func snapAll(s *geo.Snapper, places []store.Place) []geo.Snap {
	out := make([]geo.Snap, len(places))
	parallel.For(len(places), func(i int) { out[i], _ = s.Nearest(places[i].Metric) })
	return out
}

// sources lists the facilities that satisfy rule r, by index.
func (m *model) sources(r domain.CircleRule) []int32 {
	want := map[string]bool{}
	for _, t := range r.Types() {
		want[t] = true
	}
	var out []int32
	for i, f := range m.facilities {
		if want[f.Type] {
			out = append(out, int32(i))
		}
	}
	return out
}

// method says how distances are measured on this model.
func (m *model) method() string {
	if m.net != nil {
		return MethodNetwork
	}
	return MethodStraightLine
}

// size is about how many bytes the model holds: its units and facilities,
// the network with its segment index, the snaps, and the rules' results.
func (m *model) size() int64 {
	n := int64(len(m.units)+len(m.facilities))*(120+48) + int64(len(m.nodeID))*48 + int64(len(m.linkUnits))*8
	if m.net != nil {
		n += int64(len(m.net.Links)) * 160 // links, arcs and the snapper's segments
	}
	for _, rs := range m.results {
		n += int64(len(rs)) * int64(len(m.units)) * 9
	}
	return n
}

// size is about how many bytes the membership holds.
func (ms *membership) size() int64 {
	n := int64(len(ms.grids)) * 96
	for _, g := range ms.grids {
		n += int64(len(g.units)) * 4
	}
	return n
}
