package balance

import (
	"context"
	"slices"

	"github.com/gridplan/gridplan/internal/store"
)

// gridChanged brings the counts up to date after grid code was created,
// reshaped, moved to another level or parent, or deleted: it reads the grid
// as it now is and places again only the units under its old and new
// shapes (and polygon units that overlapped either), at the levels
// concerned. Everything else keeps its counts; the caller derives the
// figures again.
func (m *model) gridChanged(ctx context.Context, db *store.DB, code string) error {
	now, exists, err := db.BalanceGrid(ctx, m.planID, code)
	if err != nil {
		return err
	}
	polygons := m.rule == store.PolygonUnitsAreaShare && len(m.polygonIdx) > 0
	var fresh []store.BalanceShare
	if exists && polygons {
		err := db.BalanceShares(ctx, m.planID, code, func(s store.BalanceShare) error {
			fresh = append(fresh, s)
			return nil
		})
		if err != nil {
			return err
		}
	}

	affected := map[int][]int32{} // level -> units to place again
	idx, had := m.byCode[code]
	var g *grid
	if had {
		g = m.grids[idx]
		affected[g.Level] = m.units.buckets.InBound(g.Geometry.Bound(), affected[g.Level])
		if polygons {
			affected[g.Level] = append(affected[g.Level], m.dropShares(idx)...)
		}
		m.forgetShared(idx)
		if !exists || now.Level != g.Level {
			lv := m.lv[g.Level]
			lv.loc.Set(g.slot, nil)
			lv.slots[g.slot] = -1
			g.slot = -1
		}
	}
	if exists {
		if had {
			g.BalanceGrid = now
			m.measure(g)
			if g.slot < 0 {
				lv := m.level(g.Level)
				g.slot = len(lv.slots)
				lv.slots = append(lv.slots, g.idx)
			}
		} else {
			g = m.addGrid(now)
			idx = g.idx
		}
		lv := m.lv[g.Level]
		if lv.loc == nil { // a level new to the plan: every unit is placed there
			m.placeLevel(lv)
		} else {
			lv.loc.Set(g.slot, g.Geometry)
			affected[g.Level] = m.units.buckets.InBound(g.Geometry.Bound(), affected[g.Level])
		}
		for _, s := range fresh {
			if u, ok := m.polygonIdx[s.Unit]; ok {
				m.addShare(u, idx, s.AreaM2)
				affected[g.Level] = append(affected[g.Level], u)
			}
		}
	}
	var buf []int
	for n, us := range affected {
		lv := m.lv[n]
		slices.Sort(us)
		for _, u := range slices.Compact(us) {
			m.apply(lv, u, -1)
			buf = m.place(lv, u, buf)
			m.apply(lv, u, 1)
		}
	}
	if had && !exists {
		delete(m.byCode, code)
		m.grids[idx] = nil
	}
	return nil
}

// forgetShared drops cached shared-boundary lengths involving grid g.
func (m *model) forgetShared(g int32) {
	for k := range m.shared {
		if k[0] == g || k[1] == g {
			delete(m.shared, k)
		}
	}
}
