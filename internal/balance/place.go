package balance

import (
	"slices"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/store"
)

// place decides where unit u counts at level lv, replacing what was
// recorded before (the caller subtracts the old counts first). buf is
// scratch space, returned for reuse.
func (m *model) place(lv *level, u int32, buf []int) []int {
	// Most levels have no overlay grids and no polygon units: skip the
	// map operations then, they cost as much as locating the unit.
	if len(lv.split) > 0 {
		delete(lv.split, u)
	}
	if len(lv.over) > 0 {
		delete(lv.over, u)
	}
	if m.units.area[u] > 0 && m.rule == store.PolygonUnitsAreaShare {
		lv.tile[u] = splitByArea
		lv.split[u] = m.portions(lv, u)
		return buf
	}
	buf = lv.loc.Containing(m.units.pts[u], buf[:0])
	tile := int32(-1)
	var over []int32
	for _, id := range buf {
		g := m.grids[lv.slots[id]]
		if !g.overlay {
			// Base and carve-out grids tile the level: on a shared
			// boundary (or an overlap) the smallest code takes the unit.
			if tile < 0 || g.Code < m.grids[tile].Code {
				tile = g.idx
			}
			continue
		}
		// Overlay grids count apart, once per group of siblings.
		k := slices.IndexFunc(over, func(o int32) bool { return m.grids[o].Parent == g.Parent })
		switch {
		case k < 0:
			over = append(over, g.idx)
		case g.Code < m.grids[over[k]].Code:
			over[k] = g.idx
		}
	}
	lv.tile[u] = tile
	if len(over) > 0 {
		lv.over[u] = over
	}
	return buf
}

// portions shares polygon unit u among the level's grids by the area each
// holds: once among the tiling grids, the area outside them being
// unassigned, and once within each group of overlay siblings.
func (m *model) portions(lv *level, u int32) []portion {
	type group struct {
		overlay bool
		parent  string
		shares  []share
	}
	var groups []group
	for _, s := range m.shares[u] {
		g := m.grids[s.grid]
		if g == nil || g.Level != lv.n {
			continue
		}
		k := slices.IndexFunc(groups, func(gr group) bool {
			return gr.overlay == g.overlay && (!g.overlay || gr.parent == g.Parent)
		})
		if k < 0 {
			groups = append(groups, group{overlay: g.overlay, parent: g.Parent})
			k = len(groups) - 1
		}
		groups[k].shares = append(groups[k].shares, s)
	}
	if !slices.ContainsFunc(groups, func(gr group) bool { return !gr.overlay }) {
		groups = append(groups, group{}) // no tiling grid holds any of it
	}
	var out []portion
	for _, gr := range groups {
		// Weights in code order, the outside last, so the apportionment
		// does not depend on the order overlaps were read in.
		slices.SortFunc(gr.shares, func(a, b share) int {
			switch ca, cb := m.grids[a.grid].Code, m.grids[b.grid].Code; {
			case ca < cb:
				return -1
			case ca > cb:
				return 1
			}
			return 0
		})
		w := make([]float64, 0, len(gr.shares)+1)
		inside := 0.0
		for _, s := range gr.shares {
			w = append(w, s.area)
			inside += s.area
		}
		w = append(w, max(0, m.units.area[u]-inside))
		persons := geo.Apportion(int(m.units.persons[u]), w)
		households := geo.Apportion(int(m.units.households[u]), w)
		for i, s := range gr.shares {
			out = append(out, portion{grid: s.grid, persons: int32(persons[i]), households: int32(households[i]), unit: true})
		}
		if last := len(w) - 1; !gr.overlay && (persons[last] > 0 || households[last] > 0) {
			out = append(out, portion{grid: -1, persons: int32(persons[last]), households: int32(households[last])})
		}
	}
	return out
}

// apply adds (sign 1) or removes (sign -1) unit u's recorded counts at
// level lv to and from its grids.
func (m *model) apply(lv *level, u int32, sign int64) {
	p, h := int64(m.units.persons[u])*sign, int64(m.units.households[u])*sign
	switch t := lv.tile[u]; {
	case t >= 0:
		g := m.grids[t]
		m.touch(g)
		g.persons, g.households, g.units = g.persons+p, g.households+h, g.units+sign
	case t == splitByArea:
		for _, pt := range lv.split[u] {
			if pt.grid < 0 {
				continue
			}
			g := m.grids[pt.grid]
			m.touch(g)
			g.persons += int64(pt.persons) * sign
			g.households += int64(pt.households) * sign
			if pt.unit {
				g.units += sign
			}
		}
	}
	if len(lv.over) > 0 {
		for _, o := range lv.over[u] {
			g := m.grids[o]
			m.touch(g)
			g.persons, g.households, g.units = g.persons+p, g.households+h, g.units+sign
		}
	}
	if _, _, gap := m.unassigned(lv, u); gap {
		if sign > 0 {
			lv.gaps[u] = struct{}{}
		} else {
			delete(lv.gaps, u)
		}
	}
}

// unassigned is the part of unit u no tiling grid of lv counts.
func (m *model) unassigned(lv *level, u int32) (persons, households int64, any bool) {
	switch lv.tile[u] {
	case -1:
		return int64(m.units.persons[u]), int64(m.units.households[u]), true
	case splitByArea:
		for _, pt := range lv.split[u] {
			if pt.grid < 0 {
				return int64(pt.persons), int64(pt.households), true
			}
		}
	}
	return 0, 0, false
}

// touch tells the watch, if any, that g's counts are about to change.
func (m *model) touch(g *grid) {
	if m.watch != nil {
		m.watch.touch(g)
	}
}
