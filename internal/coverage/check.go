package coverage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/parallel"
	"github.com/gridplan/gridplan/internal/store"
)

// window is an overlay request and what its answers refer to.
type window struct {
	store.CoverageWindow
	group string   // the parent whose tiling failed here
	root  string   // for a spill check: the overlay special grid
	codes []string // tile codes, parallel to Tiles
}

// parentSet sends each parent geometry to PostGIS once, however many
// windows refer to it.
type parentSet struct {
	geoms []orb.MultiPolygon
	index map[string]int
}

func (ps *parentSet) of(st *state, key string) int {
	if ps.index == nil {
		ps.index = map[string]int{}
	}
	if i, ok := ps.index[key]; ok {
		return i
	}
	g := st.parentGeometry(key)
	if g == nil {
		return -1
	}
	ps.geoms = append(ps.geoms, g)
	ps.index[key] = len(ps.geoms) - 1
	return len(ps.geoms) - 1
}

// groupWindows matches the edges of group key's tiling and returns an
// overlay window round each place where they fail to match.
// It only reads st, so groups may be checked in parallel; the caller sets
// each window's Parent (parentSet.of) afterwards.
func (st *state) groupWindows(key string) []window {
	codes := st.tiles(key)
	geoms := make([]orb.MultiPolygon, len(codes))
	for i, c := range codes {
		geoms[i] = st.grids[c].Geometry
	}
	parent := st.parentGeometry(key)
	defects := geo.CheckTiling(geo.Tiling{Parent: parent, Tiles: geoms},
		geo.TilingOptions{Snap: st.noise(), Margin: st.margin()})
	var out []window
	for _, d := range defects {
		w := window{group: key}
		w.Box = d.Bound.Pad(st.margin())
		for _, c := range codes {
			if st.bounds[c].Intersects(w.Box) {
				w.codes = append(w.codes, c)
				w.Tiles = append(w.Tiles, st.grids[c].Geometry)
			}
		}
		w.Mask = st.maskNear(w.Box)
		out = append(out, w)
	}
	return out
}

// maskNear returns the allowed-gap polygons that reach box.
func (st *state) maskNear(box orb.Bound) []orb.MultiPolygon {
	var out []orb.MultiPolygon
	for _, m := range st.data.Mask {
		if m.Bound().Intersects(box) {
			out = append(out, m)
		}
	}
	return out
}

// rootCheck finds the grids overlay special grid code lies across (the
// tiling grids under its parent it shares ground with), and returns a spill
// window when it may reach outside its parent. Like groupWindows it only
// reads st.
func (st *state) rootCheck(code string) (Special, *window) {
	g := st.grids[code]
	sp := Special{Code: code, Name: g.Name, Level: g.Level, Category: g.Category, Mode: string(g.Mode), Crosses: []string{}}
	host := g.Parent
	if g.Parent != "" {
		sp.Parent = &g.Parent
	}
	if host == top && g.Level != 1 {
		sp.Reason = "has no parent, so what it crosses is unknown"
		return sp, nil
	}
	for _, t := range st.tiles(host) {
		if st.bounds[t].Intersects(st.bounds[code]) && geo.Overlaps(st.grids[t].Geometry, g.Geometry, st.noise()) {
			sp.Crosses = append(sp.Crosses, t)
		}
	}
	names := make([]string, len(sp.Crosses))
	for i, c := range sp.Crosses {
		names[i] = st.grids[c].Name
		if names[i] == "" {
			names[i] = c
		}
	}
	level := fmt.Sprintf("level %d (%s)", g.Level, st.levelName(g.Level))
	switch len(sp.Crosses) {
	case 0:
		sp.Reason = "overlays no grid of " + level
	case 1:
		sp.Reason = fmt.Sprintf("lies within %s, a grid of %s", names[0], level)
	default:
		sp.Reason = fmt.Sprintf("crosses %d grids of %s: %s", len(names), level, strings.Join(names, ", "))
	}
	parent := st.parentGeometry(host)
	if parent == nil || geo.Covers(parent, g.Geometry, st.noise()) {
		return sp, nil
	}
	w := &window{group: host, root: code, codes: []string{code}}
	w.Box = st.bounds[code].Pad(st.margin())
	w.Tiles = []orb.MultiPolygon{g.Geometry}
	w.SpillOnly = true
	return sp, w
}

// overlay runs the windows through PostGIS in one round trip and files the
// findings by group and by overlay special grid.
func (st *state) overlay(ctx context.Context, db *store.DB, windows []window, ps *parentSet) (groups, spills map[string][]domain.Finding, err error) {
	groups, spills = map[string][]domain.Finding{}, map[string][]domain.Finding{}
	if len(windows) == 0 {
		return groups, spills, nil
	}
	req := make([]store.CoverageWindow, len(windows))
	for i, w := range windows {
		req[i] = w.CoverageWindow
		req[i].Parent = ps.of(st, w.group)
	}
	pieces, err := db.CoverageWindows(ctx, st.data.SRID, st.noise(), ps.geoms, req)
	if err != nil {
		return nil, nil, fmt.Errorf("plan %q: coverage overlay: %w", st.plan.Name, err)
	}
	failed := map[int]bool{}
	for _, p := range pieces {
		if p.Kind == "error" {
			failed[p.Window] = true
		}
	}
	for _, p := range pieces {
		w := &windows[p.Window]
		if failed[p.Window] && p.Kind != "error" {
			continue // the window's answer is incomplete; the error finding stands for it
		}
		if p.Kind == "outside_parent" && st.outlineIsParent(w) {
			// The outline is the top level's own union: no top-level grid
			// can reach outside it, and what the overlay finds there is
			// the union's rounding (its precision grid, or at zero noise
			// the nodes where overlapping edges cross), not a defect.
			continue
		}
		width := 0.0
		if p.Kind != "error" {
			// Thinner than the noise: what is left of a shared boundary
			// near a real defect, not a defect.
			if width = geo.Width(p.Metric, st.noise()/4); width < st.noise() {
				continue
			}
		}
		f := st.pieceFinding(w, p, width)
		if w.root != "" {
			spills[w.root] = append(spills[w.root], f)
		} else {
			groups[w.group] = append(groups[w.group], f)
		}
	}
	return groups, spills, nil
}

// outlineIsParent reports whether window w checks the top level's tiling
// against the outline that stands in for a missing plan boundary.
func (st *state) outlineIsParent(w *window) bool {
	return w.group == top && w.root == "" && st.data.Boundary == nil
}

// pieceFinding turns one overlay piece into a finding: an error, or a
// sliver warning when it is thinner than the sliver width or smaller than
// the sliver area.
func (st *state) pieceFinding(w *window, p store.CoveragePiece, width float64) domain.Finding {
	tol := st.data.Tolerance
	f := domain.Finding{Level: st.groupLevel(w.group), Parent: w.group, AreaM2: p.AreaM2, WidthM: width,
		Geometry: p.Geometry, Severity: domain.SeverityError}
	sliver := width < tol.SliverWidthM || p.AreaM2 < tol.SliverAreaM2
	note := ""
	if sliver {
		f.Severity = domain.SeverityWarning
		note = fmt.Sprintf(" (a sliver: thinner than %g m or smaller than %g m²)", tol.SliverWidthM, tol.SliverAreaM2)
	}
	where := st.parentPhrase(w.group)
	switch p.Kind {
	case "gap":
		f.Kind = pick(sliver, KindSliverGap, KindGap)
		for _, k := range p.Near {
			f.Grids = append(f.Grids, w.codes[k])
		}
		slices.Sort(f.Grids)
		switch {
		case len(f.Grids) == 1 && st.inShell(f.Grids[0], p.Metric):
			f.Reason = fmt.Sprintf("%.1f m² hole in grid %s that no other child of %s fills%s", p.AreaM2, st.name(f.Grids[0]), where, note)
		case w.group == top && st.data.Boundary == nil:
			f.Reason = fmt.Sprintf("%.1f m² enclosed by level-1 grids but covered by none%s; next to %s", p.AreaM2, note, st.names(f.Grids))
		default:
			f.Reason = fmt.Sprintf("%.1f m² of %s covered by none of its children%s; next to %s", p.AreaM2, where, note, st.names(f.Grids))
		}
	case "overlap":
		f.Kind = pick(sliver, KindSliverOverlap, KindOverlap)
		f.Grids = []string{w.codes[p.I], w.codes[p.J]}
		slices.Sort(f.Grids)
		f.Reason = fmt.Sprintf("grids %s and %s both claim %.1f m²%s", st.name(f.Grids[0]), st.name(f.Grids[1]), p.AreaM2, note)
	case "outside_parent":
		f.Kind = pick(sliver, KindSliverOutside, KindOutside)
		f.Grids = []string{w.codes[p.I]}
		if w.root != "" {
			f.Level = st.grids[w.root].Level
		}
		f.Reason = fmt.Sprintf("grid %s reaches %.1f m² outside %s%s", st.name(f.Grids[0]), p.AreaM2, where, note)
	default:
		f.Kind, f.Severity, f.AreaM2, f.WidthM = KindUnresolved, domain.SeverityError, 0, 0
		f.Grids = slices.Clone(w.codes)
		slices.Sort(f.Grids)
		f.Reason = fmt.Sprintf("PostGIS could not overlay this place of %s (%s); check these grids by hand", where, p.Message)
	}
	return f
}

// inShell reports whether a gap lies inside grid code's outer rings: a
// hole of that grid rather than ground beside it.
func (st *state) inShell(code string, gap orb.MultiPolygon) bool {
	pt, ok := geo.InteriorPoint(gap)
	if !ok {
		return false
	}
	for _, part := range st.grids[code].Geometry {
		if len(part) > 0 && planar.RingContains(part[0], pt) {
			return true
		}
	}
	return false
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// parentPhrase names group key's parent in a message.
func (st *state) parentPhrase(key string) string {
	switch {
	case key != top:
		return "parent " + st.name(key)
	case st.data.Boundary != nil:
		return "the plan boundary"
	}
	return "the top level's outline"
}

// names lists grids for a message, at most five.
func (st *state) names(codes []string) string {
	var parts []string
	for i, c := range codes {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(codes)-5))
			break
		}
		parts = append(parts, st.name(c))
	}
	if len(parts) == 0 {
		return "no grid"
	}
	return strings.Join(parts, ", ")
}

// checkAll checks the given groups and overlay special grids, in parallel
// on every core, and returns the windows that need overlay in a stable
// order, with the specials found.
func (st *state) checkAll(keys, roots []string) ([]window, map[string]Special) {
	perGroup := make([][]window, len(keys))
	perRoot := make([]*window, len(roots))
	specials := make([]Special, len(roots))
	parallel.For(len(keys)+len(roots), func(i int) {
		if i < len(keys) {
			perGroup[i] = st.groupWindows(keys[i])
			return
		}
		i -= len(keys)
		specials[i], perRoot[i] = st.rootCheck(roots[i])
	})
	var out []window
	for _, ws := range perGroup {
		out = append(out, ws...)
	}
	sp := make(map[string]Special, len(roots))
	for i, code := range roots {
		sp[code] = specials[i]
		if perRoot[i] != nil {
			out = append(out, *perRoot[i])
		}
	}
	return out, sp
}
