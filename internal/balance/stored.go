package balance

import (
	"context"
	"errors"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// errStoredStale says the stored assignments do not add up to the view's
// units (rows deleted behind gridplan's back, say): count afresh.
var errStoredStale = errors.New("the stored balance assignments do not account for every unit")

// fromStored builds a view's model from what its latest audit stored
// (store.ReadBalanceStored) instead of from geometry: the grids with their
// measured shapes and counts, the units' totals, and the units some level
// leaves (partly) in no grid (the only units the model holds). Every
// figure is then the full count's, so the report is too. The model has no
// geometry, point locators, unit points or per-unit
// placement (lite): it answers reports; an edit is prepared only after the
// geometry is loaded (see Checker.ensure). The caller has checked the
// stamp, read with the rows in one snapshot: results stamped for another
// version or other settings are not read (errStoredStale). The settings
// are returned in every case.
func fromStored(ctx context.Context, db *store.DB, plan domain.Plan) (*model, store.BalanceSettings, error) {
	m := newModel(plan)
	m.lite = true
	var gaps []store.BalancePlace
	complete := true
	s, err := db.ReadBalanceStored(ctx, plan.Workspace, store.BalanceStoredSource{
		Wanted: stamped,
		Grids: func(n int) {
			m.grids, m.byCode, m.slab = make([]*grid, 0, n), make(map[string]int32, n), make([]grid, 0, n)
		},
		Grid: func(bg store.BalanceGrid, sh store.BalanceShape, c store.BalanceCount, stored bool) error {
			g := m.addGrid(bg)
			g.bound, g.area, g.compact, g.parts = sh.Bound, sh.AreaM2, sh.Compactness, sh.Parts
			g.persons, g.households, g.units = c.Persons, c.Households, c.Units
			complete = complete && stored
			return nil
		},
		Totals: func(t store.BalanceTotals) error {
			m.totals = &Totals{Units: t.Units, Persons: t.Persons, Households: t.Households}
			return nil
		},
		Unassigned: func(p store.BalancePlace, u store.BalanceUnit) error {
			// Only the units some level leaves (partly) in no grid are
			// kept: every other unit counts where the grids' sums say.
			if n := len(m.units.ids); n == 0 || m.units.ids[n-1] != u.ID {
				m.units.ids = append(m.units.ids, u.ID)
				m.units.persons = append(m.units.persons, int32(u.Persons))
				m.units.households = append(m.units.households, int32(u.Households))
			}
			gaps = append(gaps, p)
			return nil
		},
		Shared: func(sh store.BalanceShared) error {
			m.storedShared(sh)
			return nil
		},
		SharedTolM: m.tol,
	})
	if err != nil {
		return nil, s, err
	}
	m.version, m.epoch, m.rule, m.levels = s.Version, s.UnitsEpoch, s.PolygonUnits, s.Levels
	if !stamped(s) || s.StatsRows != m.liveGrids() || !complete {
		return nil, s, errStoredStale // stamped for another version or settings, or rows missing
	}
	for _, lv := range m.lv {
		lv.tile = slices.Repeat([]int32{placedElsewhere}, len(m.units.ids))
	}
	for _, p := range gaps {
		u, found := slices.BinarySearch(m.units.ids, p.Unit) // units come in id order
		lv := m.lv[p.Level]
		if !found || lv == nil {
			return nil, s, errStoredStale
		}
		if p.Role == store.PlacePortion {
			lv.tile[u] = splitByArea
			lv.split[int32(u)] = append(lv.split[int32(u)], portion{grid: -1, persons: int32(p.Persons), households: int32(p.Households)})
		} else {
			lv.tile[u] = -1
		}
		lv.gaps[int32(u)] = struct{}{}
	}
	m.derive()
	if !m.conserved() {
		return nil, s, errStoredStale
	}
	return m, s, nil
}

// stamped reports whether the stored results are for the view's version
// and the current settings.
func stamped(s store.BalanceSettings) bool {
	return s.ResultsVersion == s.Version && s.ResultsKey == resultsKeyOf(s.PolygonUnits, s.Levels)
}

// conserved reports whether every level's grids and unassigned parts add
// up to the units' totals, as a full count always does.
func (m *model) conserved() bool {
	t := m.unitTotals()
	for _, n := range m.levelNumbers() {
		r := m.levelRow(n, t)
		if !r.Conserved {
			return false
		}
	}
	return true
}

// placeRows are the balance_place rows of unit u at level lv.
func (m *model) placeRows(lv *level, u int32, out []store.BalancePlace) []store.BalancePlace {
	id := m.units.ids[u]
	code := func(g int32) string {
		if g < 0 || m.grids[g] == nil {
			return ""
		}
		return m.grids[g].Code
	}
	p, h := int(m.units.persons[u]), int(m.units.households[u])
	if t := lv.tile[u]; t == splitByArea {
		for _, pt := range lv.split[u] {
			out = append(out, store.BalancePlace{Level: lv.n, Unit: id, Role: store.PlacePortion, Grid: code(pt.grid),
				Persons: int(pt.persons), Households: int(pt.households)})
		}
	} else {
		out = append(out, store.BalancePlace{Level: lv.n, Unit: id, Role: store.PlaceTile, Grid: code(t), Persons: p, Households: h})
	}
	for _, o := range lv.over[u] {
		out = append(out, store.BalancePlace{Level: lv.n, Unit: id, Role: store.PlaceOverlay, Grid: code(o), Persons: p, Households: h})
	}
	return out
}

// shape is what balance_grid holds of g.
func (g *grid) shape() store.BalanceShape {
	return store.BalanceShape{Code: g.Code, AreaM2: g.area, Compactness: g.compact, Parts: g.parts, Bound: g.bound}
}

// placeWrite is what is to be written of the assignments and shapes: all
// of them, or those the model marked changed since they were last written.
func (m *model) placeWrite(all bool) store.BalancePlaceWrite {
	w := store.BalancePlaceWrite{All: all, Units: map[int][]int64{}}
	for n, lv := range m.lv {
		if lv.tile == nil {
			continue
		}
		if all {
			for u := range lv.tile {
				w.Places = m.placeRows(lv, int32(u), w.Places)
			}
			continue
		}
		for u := range m.dirty[n] {
			w.Units[n] = append(w.Units[n], m.units.ids[u])
			w.Places = m.placeRows(lv, u, w.Places)
		}
	}
	for _, g := range m.grids {
		if g != nil && (all || m.dirtyShapes[g.Code]) {
			w.Shapes = append(w.Shapes, g.shape())
		}
	}
	for code := range m.dirtyShapes {
		if _, ok := m.byCode[code]; !ok && !all {
			w.Removed = append(w.Removed, code)
		}
	}
	return w
}

// markPlaced notes that units us at level n may be placed differently
// from what is stored.
func (m *model) markPlaced(n int, us []int32) {
	if m.dirty == nil {
		m.dirty = map[int]map[int32]struct{}{}
	}
	if m.dirty[n] == nil {
		m.dirty[n] = map[int32]struct{}{}
	}
	for _, u := range us {
		m.dirty[n][u] = struct{}{}
	}
}

// markShape notes that grid code's stored shape may be out of date.
func (m *model) markShape(code string) {
	if m.dirtyShapes == nil {
		m.dirtyShapes = map[string]bool{}
	}
	m.dirtyShapes[code] = true
}

// placesWritten clears the marks once what they named is stored.
func (m *model) placesWritten() { m.dirty, m.dirtyShapes = nil, nil }

// placeMarks are the model's marks of what is to be written.
type placeMarks struct {
	dirty       map[int]map[int32]struct{}
	dirtyShapes map[string]bool
}

// takeMarks sets the marks aside (the model then has none), for
// restoreMarks to put back.
func (m *model) takeMarks() placeMarks {
	k := placeMarks{m.dirty, m.dirtyShapes}
	m.dirty, m.dirtyShapes = nil, nil
	return k
}

func (m *model) restoreMarks(k placeMarks) { m.dirty, m.dirtyShapes = k.dirty, k.dirtyShapes }

// unitTotals are the figures of all the plan's units.
func (m *model) unitTotals() Totals {
	if m.totals != nil {
		return *m.totals
	}
	t := Totals{Units: len(m.units.ids)}
	for u := range m.units.ids {
		t.Persons += int64(m.units.persons[u])
		t.Households += int64(m.units.households[u])
	}
	return t
}
