package balance

import (
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// gridEdit is one grid's new state for the model: nil now removes it;
// shares are the polygon units' overlaps with its new shape (area-share
// rule only).
type gridEdit struct {
	code   string
	now    *store.BalanceGrid
	shares []unitShare
}

// unitShare is the area a polygon unit has in the grid being edited.
type unitShare struct {
	unit int32
	area float64
}

// setGrid brings the counts up to date after grid code was created,
// reshaped, moved to another level or parent, or removed: only the units
// under its old and new shapes (and polygon units that overlapped either)
// are placed again, at the levels concerned. Everything else keeps its
// counts; the caller derives the figures again.
func (m *model) setGrid(e gridEdit, buf []int) []int {
	polygons := m.rule == store.PolygonUnitsAreaShare && len(m.polygonIdx) > 0
	affected := map[int][]int32{} // level -> units to place again
	idx, had := m.byCode[e.code]
	var g *grid
	if had {
		g = m.grids[idx]
		affected[g.Level] = m.units.buckets.InBound(g.Geometry.Bound(), affected[g.Level])
		if polygons {
			affected[g.Level] = append(affected[g.Level], m.dropShares(idx)...)
		}
		m.forgetShared(idx)
		if e.now == nil || e.now.Level != g.Level {
			lv := m.lv[g.Level]
			lv.loc.Set(g.slot, nil)
			lv.slots[g.slot] = -1
			g.slot = -1
		}
	}
	if e.now != nil {
		if had {
			g.BalanceGrid = *e.now
			m.measure(g)
			if g.slot < 0 {
				lv := m.level(g.Level)
				g.slot = len(lv.slots)
				lv.slots = append(lv.slots, g.idx)
			}
		} else {
			g = m.addGrid(*e.now)
			idx = g.idx
		}
		lv := m.lv[g.Level]
		if lv.loc == nil { // a level new to the plan: every unit is placed there
			m.placeLevel(lv)
			m.markPlaced(lv.n, allUnits(len(m.units.ids)))
		} else {
			lv.loc.Set(g.slot, g.Geometry)
			affected[g.Level] = m.units.buckets.InBound(g.Geometry.Bound(), affected[g.Level])
		}
		if polygons {
			for _, s := range e.shares {
				m.addShare(s.unit, idx, s.area)
				affected[g.Level] = append(affected[g.Level], s.unit)
			}
		}
	}
	m.markShape(e.code)
	for n, us := range affected {
		lv := m.lv[n]
		slices.Sort(us)
		us = slices.Compact(us)
		m.markPlaced(n, us)
		for _, u := range us {
			m.apply(lv, u, -1)
			buf = m.place(lv, u, buf)
			m.apply(lv, u, 1)
		}
	}
	if had && e.now == nil {
		delete(m.byCode, e.code)
		m.grids[idx] = nil
	}
	return buf
}

// current is grid code's edit back to what the model holds now (nil now
// when it has no such grid), for undoing a preview.
func (m *model) current(code string) gridEdit {
	idx, ok := m.byCode[code]
	if !ok {
		return gridEdit{code: code}
	}
	bg := m.grids[idx].BalanceGrid
	e := gridEdit{code: code, now: &bg}
	for _, u := range m.gridShares[idx] {
		for _, s := range m.shares[u] {
			if s.grid == idx {
				e.shares = append(e.shares, unitShare{unit: u, area: s.area})
			}
		}
	}
	return e
}

// forgetShared drops cached shared-boundary lengths involving grid g.
func (m *model) forgetShared(g int32) {
	for k := range m.shared {
		if k[0] == g || k[1] == g {
			delete(m.shared, k)
			delete(m.unstored, k)
		}
	}
}

// balanceGrid is the balance model of a grid as a change set left it.
func balanceGrid(g *domain.GridState) *store.BalanceGrid {
	if g == nil {
		return nil
	}
	return &store.BalanceGrid{Code: g.Code, Name: g.Name, Parent: g.Parent, Level: g.Level, Kind: g.Kind, Mode: g.Mode,
		Category: g.Category, Geometry: g.Metric}
}

// allUnits lists the indexes of n units.
func allUnits(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}
