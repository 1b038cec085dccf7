package coverage

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// top is the group key of the top level: children of the plan boundary.
// Grid codes are never empty, so it names no grid.
const top = ""

// state is one plan's coverage model and results, valid for one version.
// Results are kept per group (a parent and its children), per overlay
// special grid and per grid, so that one changed grid recomputes only the
// parts it touches.
type state struct {
	mu       sync.Mutex
	plan     domain.Plan // name and levels, for messages
	version  int64
	data     store.CoverageData // settings, boundary, mask (Grids is moved into grids)
	grids    map[string]*store.CoverageGrid
	bounds   map[string]orb.Bound
	children map[string][]string // parent code (top for none) → child codes, sorted

	groups   map[string][]domain.Finding // by parent code
	specials map[string]Special          // by overlay special grid
	spills   map[string][]domain.Finding // overlay special grids outside their parent
	perGrid  map[string][]domain.Finding // hierarchy, invalid, multipart, by grid
	plain    []domain.Finding            // the plan boundary's own findings
	labels   map[string]string           // grid code → name, shared with the sections made
	stored   bool                        // findings written to the finding table
}

func newState(plan domain.Plan, data store.CoverageData) *state {
	st := &state{plan: plan, version: data.Version, data: data,
		grids: make(map[string]*store.CoverageGrid, len(data.Grids)), bounds: make(map[string]orb.Bound, len(data.Grids)),
		children: map[string][]string{}, groups: map[string][]domain.Finding{}, specials: map[string]Special{},
		spills: map[string][]domain.Finding{}, perGrid: map[string][]domain.Finding{},
		labels: make(map[string]string, len(data.Grids))}
	for i := range data.Grids {
		g := &data.Grids[i]
		st.grids[g.Code] = g
		st.labels[g.Code] = g.Name
		st.bounds[g.Code] = g.Geometry.Bound()
		st.children[g.Parent] = append(st.children[g.Parent], g.Code)
	}
	for _, c := range st.children {
		slices.Sort(c)
	}
	st.data.Grids = nil
	return st
}

// setGrid replaces (or, when g is nil, removes) one grid in the model.
func (st *state) setGrid(code string, g *store.CoverageGrid) {
	if old := st.grids[code]; old != nil {
		// Copy on write: states handed out by clone share nothing here.
		kids := slices.Clone(st.children[old.Parent])
		st.children[old.Parent] = slices.DeleteFunc(kids, func(c string) bool { return c == code })
		delete(st.grids, code)
		delete(st.bounds, code)
	}
	if g == nil {
		return
	}
	st.grids[code] = g
	if name, ok := st.labels[code]; !ok || name != g.Name {
		st.labels = maps.Clone(st.labels) // sections already handed out keep theirs
		st.labels[code] = g.Name
	}
	st.bounds[code] = g.Geometry.Bound()
	kids := slices.Clone(st.children[g.Parent])
	i, _ := slices.BinarySearch(kids, code)
	st.children[g.Parent] = slices.Insert(kids, i, code)
}

func (st *state) noise() float64 { return st.data.NoiseM }

// margin pads defect bounds into overlay windows: room for the snapped
// noise and a metre round the place.
func (st *state) margin() float64 { return 1 + 2*st.data.NoiseM }

// overlayRoot reports whether g is an overlay special grid outside its
// parent's tiling: it may overlap the grids there. Below an overlay special
// grid, overlay children tile their parent like any others.
func (st *state) overlayRoot(g *store.CoverageGrid) bool {
	if g.Kind != domain.KindSpecial || g.Mode != domain.ModeOverlay {
		return false
	}
	p := st.grids[g.Parent]
	return p == nil || p.Kind != domain.KindSpecial || p.Mode != domain.ModeOverlay
}

// groupOf is the key of the tiling g belongs to, and whether it belongs to
// one: base and carve-out grids tile their parent, top-level ones the plan.
func (st *state) groupOf(g *store.CoverageGrid) (string, bool) {
	if st.overlayRoot(g) || len(g.Geometry) == 0 {
		return "", false
	}
	if g.Parent == "" {
		return top, g.Level == 1
	}
	return g.Parent, st.grids[g.Parent] != nil
}

// tiles lists the codes of the grids that must tile group key.
func (st *state) tiles(key string) []string {
	var out []string
	for _, c := range st.children[key] {
		if k, ok := st.groupOf(st.grids[c]); ok && k == key {
			out = append(out, c)
		}
	}
	return out
}

// parentGeometry is the ground group key must cover: a grid, the plan
// boundary, or without one the top level's outline.
func (st *state) parentGeometry(key string) orb.MultiPolygon {
	if key != top {
		if p := st.grids[key]; p != nil {
			return p.Geometry
		}
		return nil
	}
	if st.data.Boundary != nil {
		return st.data.Boundary
	}
	return st.data.Outline
}

// groupLevel is the level of group key's children.
func (st *state) groupLevel(key string) int {
	if key == top {
		return 1
	}
	if p := st.grids[key]; p != nil {
		return p.Level + 1
	}
	return 0
}

// groupKeys lists every parent with tiling children, sorted.
func (st *state) groupKeys() []string {
	var keys []string
	for key := range st.children {
		if st.isGroup(key) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// isGroup reports whether key is a parent with children to tile it.
func (st *state) isGroup(key string) bool {
	return (key == top || st.grids[key] != nil) && len(st.tiles(key)) > 0 && st.parentGeometry(key) != nil
}

// roots lists the overlay special grids among codes, sorted.
func (st *state) roots(codes []string) []string {
	var out []string
	for _, c := range codes {
		if g := st.grids[c]; g != nil && st.overlayRoot(g) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

func (st *state) name(code string) string {
	if g := st.grids[code]; g != nil && g.Name != "" {
		return code + " " + g.Name
	}
	return code
}

func (st *state) levelName(level int) string {
	for _, l := range st.plan.Levels {
		if l.Level == level && l.Name != "" {
			return l.Name
		}
	}
	return "level-" + strconv.Itoa(level)
}

// section assembles the report section from the parts.
func (st *state) section() *Section {
	s := &Section{names: st.labels, levels: map[int]string{}}
	for _, l := range st.plan.Levels {
		s.levels[l.Level] = l.Name
	}
	s.findings = append(s.findings, st.plain...)
	for _, parts := range []map[string][]domain.Finding{st.groups, st.spills, st.perGrid} {
		for _, fs := range parts {
			s.findings = append(s.findings, fs...)
		}
	}
	sortFindings(s.findings)
	for _, sp := range st.specials {
		s.specials = append(s.specials, sp)
	}
	slices.SortFunc(s.specials, func(a, b Special) int {
		if a.Level != b.Level {
			return a.Level - b.Level
		}
		return strings.Compare(a.Code, b.Code)
	})
	return s
}
