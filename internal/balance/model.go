package balance

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/parallel"
	"github.com/gridplan/gridplan/internal/store"
)

// model is one plan version's grids, units and counts, in memory.
type model struct {
	planID  int64 // units are the plan's
	ws      int64 // grids are the view's
	version int64
	epoch   int64  // units epoch: units changed when it moves
	rule    string // polygon-unit rule
	tol     float64
	levels  []store.BalanceLevel // settings; bands and targets
	grids   []*grid              // by index; nil once deleted
	byCode  map[string]int32
	lv      map[int]*level
	units   units
	// shares holds, per polygon unit (area-share rule only), its overlap
	// with each grid; gridShares is the reverse index.
	shares     map[int32][]share
	gridShares map[int32][]int32
	polygonIdx map[int64]int32 // unit id -> index, polygon units only
	// shared caches the shared boundary length of grid pairs for merges;
	// unstored are the pairs measured here and not yet stored
	// (store.WriteBalanceShared).
	shared   map[[2]int32]float64
	unstored map[[2]int32]struct{}
	// slab holds the grids a model is built with, in one allocation
	// instead of one each; it never grows (its grids are pointed to).
	slab []grid
	// pairs are the merge candidates' pairs for the current figures (nil:
	// not found yet).
	pairs *[]mergePair
	// lite: built from stored assignments (fromStored), without geometry,
	// locators or unit points; it answers reports but cannot place units.
	lite   bool
	totals *Totals // a lite model's units' figures (it holds few units)
	// dirty and dirtyShapes mark the units (per level) and grids whose
	// stored assignments and shapes may differ from the model's.
	dirty       map[int]map[int32]struct{}
	dirtyShapes map[string]bool
	// watch, while edits are applied, notes the grids they touch.
	watch *watch
}

type grid struct {
	store.BalanceGrid
	idx     int32
	slot    int  // id in its level's locator
	overlay bool // an overlay special grid: counted apart from the tiling
	bound   orb.Bound
	area    float64
	compact float64
	parts   int
	// counts
	persons, households, units int64
	// derived by derive()
	ideal     float64
	deviation float64
	band      string
}

type units struct {
	ids                 []int64
	persons, households []int32
	pts                 []orb.Point // metric; a point on the surface of polygons
	area                []float64   // m², 0 for points
	buckets             *geo.PointBuckets
}

type share struct {
	grid int32
	area float64
}

// level holds one level's locator and where each unit counts there.
type level struct {
	n     int
	slots []int32 // locator id -> grid index, -1 when free
	loc   *geo.PointLocator
	tile  []int32             // per unit: tiling grid, -1 none, splitByArea when shared by area
	over  map[int32][]int32   // per unit: overlay grids counting it wholly
	split map[int32][]portion // per unit shared by area: its portions, grid -1 for the unassigned one
	gaps  map[int32]struct{}  // units with a part in no tiling grid
}

const splitByArea = -2 // level.tile value of a unit shared by area

// placedElsewhere is level.tile's value, in a lite model, of a unit some
// grid counts: the grids' counts come summed from the stored assignments.
const placedElsewhere = -3

// portion is the part of a unit a grid counts (grid -1: no grid).
type portion struct {
	grid                int32
	persons, households int32
	unit                bool // the grid holds some of the unit's area
}

// load reads a plan and places every unit at every level.
func load(ctx context.Context, db *store.DB, plan domain.Plan) (*model, error) {
	for try := 1; ; try++ {
		m, err := read(ctx, db, plan)
		if errors.Is(err, store.ErrBalanceMoved) && try < 3 {
			continue // an edit landed while reading: read the new version
		}
		if err != nil {
			return nil, err
		}
		m.units.buckets = geo.NewPointBuckets(m.units.pts, 16)
		// Levels are independent: each has its own grids, locator and
		// counts, so they are placed in parallel.
		levels := slices.Collect(maps.Values(m.lv))
		parallel.For(len(levels), func(i int) { m.placeLevel(levels[i]) })
		m.derive()
		return m, nil
	}
}

// newModel is an empty model of plan's view.
func newModel(plan domain.Plan) *model {
	m := &model{planID: plan.ID, ws: plan.Workspace, tol: plan.Tolerance.SliverWidthM, byCode: map[string]int32{},
		lv: map[int]*level{}, shares: map[int32][]share{}, gridShares: map[int32][]int32{}, shared: map[[2]int32]float64{},
		unstored: map[[2]int32]struct{}{}, polygonIdx: map[int64]int32{}}
	if !(m.tol > 0) {
		m.tol = domain.DefaultTolerance.SliverWidthM
	}
	return m
}

// read reads a plan's grids and units into a new model.
func read(ctx context.Context, db *store.DB, plan domain.Plan) (*model, error) {
	m := newModel(plan)
	var pending []store.BalanceShare
	s, err := db.ReadBalance(ctx, plan.Workspace, store.BalanceSource{
		Grid: func(g store.BalanceGrid) error {
			m.addGrid(g)
			return nil
		},
		Unit: func(u store.BalanceUnit) error {
			if u.AreaM2 > 0 {
				m.polygonIdx[u.ID] = int32(len(m.units.ids))
			}
			m.units.ids = append(m.units.ids, u.ID)
			m.units.persons = append(m.units.persons, int32(u.Persons))
			m.units.households = append(m.units.households, int32(u.Households))
			m.units.pts = append(m.units.pts, orb.Point{u.X, u.Y})
			m.units.area = append(m.units.area, u.AreaM2)
			return nil
		},
		Share: func(s store.BalanceShare) error {
			pending = append(pending, s)
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	m.version, m.epoch, m.rule, m.levels = s.Version, s.UnitsEpoch, s.PolygonUnits, s.Levels
	for _, sh := range pending {
		m.addShare(m.polygonIdx[sh.Unit], m.byCode[sh.Grid], sh.AreaM2)
	}
	return m, nil
}

// addGrid appends g to the model and its level (the locator is built later
// by placeLevel, or updated by the caller).
func (m *model) addGrid(bg store.BalanceGrid) *grid {
	var g *grid
	if len(m.slab) < cap(m.slab) {
		m.slab = append(m.slab, grid{BalanceGrid: bg, idx: int32(len(m.grids))})
		g = &m.slab[len(m.slab)-1]
	} else {
		g = &grid{BalanceGrid: bg, idx: int32(len(m.grids))}
	}
	m.measure(g)
	m.grids = append(m.grids, g)
	m.byCode[g.Code] = g.idx
	lv := m.level(g.Level)
	g.slot = len(lv.slots)
	lv.slots = append(lv.slots, g.idx)
	return g
}

func (m *model) measure(g *grid) {
	g.overlay = g.Kind == domain.KindSpecial && g.Mode != domain.ModeCarveOut
	g.bound = g.Geometry.Bound()
	g.area = planar.Area(g.Geometry)
	g.compact = geo.PolsbyPopper(g.Geometry)
	g.parts = len(g.Geometry)
}

func (m *model) level(n int) *level {
	lv := m.lv[n]
	if lv == nil {
		lv = &level{n: n, over: map[int32][]int32{}, split: map[int32][]portion{}, gaps: map[int32]struct{}{}}
		m.lv[n] = lv
	}
	return lv
}

func (m *model) addShare(u, g int32, area float64) {
	if !(area > 0) {
		return
	}
	m.shares[u] = append(m.shares[u], share{g, area})
	m.gridShares[g] = append(m.gridShares[g], u)
}

// dropShares forgets grid g's overlaps with polygon units and returns the
// units that had one.
func (m *model) dropShares(g int32) []int32 {
	us := m.gridShares[g]
	delete(m.gridShares, g)
	for _, u := range us {
		m.shares[u] = slices.DeleteFunc(m.shares[u], func(s share) bool { return s.grid == g })
	}
	return us
}

// placeLevel builds the level's locator and places every unit there.
func (m *model) placeLevel(lv *level) {
	geoms := make([]orb.MultiPolygon, len(lv.slots))
	for i, gi := range lv.slots {
		if gi >= 0 {
			geoms[i] = m.grids[gi].Geometry
		}
	}
	lv.loc = geo.NewPointLocator(geoms)
	lv.tile = make([]int32, len(m.units.ids))
	var buf []int
	for u := range lv.tile {
		buf = m.place(lv, int32(u), buf)
		m.apply(lv, int32(u), 1)
	}
}

// liveGrids is the number of grids (deleted ones excluded).
func (m *model) liveGrids() int { return len(m.byCode) }

// round keeps reports readable and stable: x to so many decimals (dividing
// by a power of ten gives the shortest decimal, where multiplying by 0.01
// would not).
func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

// size is about how many bytes the model holds: the grids' coordinates
// and figures, the units' arrays and the places per level.
func (m *model) size() int64 {
	var n int64
	for _, g := range m.grids {
		if g != nil {
			n += int64(geo.NumPoints(g.Geometry))*16 + 400
		}
	}
	n += int64(len(m.units.ids)) * 48
	for _, lv := range m.lv {
		n += int64(len(lv.tile))*4 + int64(len(lv.split)+len(lv.over))*64
	}
	return n + int64(len(m.shared))*48
}
