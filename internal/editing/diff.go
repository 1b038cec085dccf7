package editing

import (
	"context"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Diff is what changed between two states of a plan's grids.
type Diff struct {
	From      string             `json:"from"`
	To        string             `json:"to"`
	Added     []DiffGrid         `json:"added"`
	Removed   []DiffGrid         `json:"removed"`
	Changed   []DiffGrid         `json:"changed"`
	Moved     []Move             `json:"moved"`     // ground that went from one grid to another
	Residents []Move             `json:"residents"` // persons and households that did
	Lineage   []store.LineageRow `json:"lineage"`
	ground    []store.MovedGround
}

// DiffGrid is a grid that a diff lists.
type DiffGrid struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  int    `json:"level"`
	Parent string `json:"parent,omitempty"`
}

// Move is ground or residents that went from grid From to grid To.
type Move struct {
	From       string  `json:"from"`
	To         string  `json:"to"`
	Level      int     `json:"level"`
	AreaM2     float64 `json:"area_m2,omitempty"`
	Persons    int64   `json:"persons"`
	Households int64   `json:"households"`
}

// Diff compares two views of plan: from (the published plan or a past
// revision) and to (a draft, the published plan or a revision).
func (s *Service) Diff(ctx context.Context, plan domain.Plan, from, to domain.View) (*Diff, error) {
	side := func(v domain.View) (store.Side, error) {
		if v.Revision > 0 {
			return store.Side{Revision: v.Revision}, nil
		}
		p, err := s.db.PlanView(ctx, plan.Name, v)
		return store.Side{Workspace: p.Workspace}, err
	}
	a, err := side(from)
	if err != nil {
		return nil, err
	}
	b, err := side(to)
	if err != nil {
		return nil, err
	}
	before, after, err := s.db.DiffSides(ctx, plan.ID, a, b)
	if err != nil {
		return nil, err
	}
	d := &Diff{From: from.String(), To: to.String(), Added: []DiffGrid{}, Removed: []DiffGrid{}, Changed: []DiffGrid{},
		Moved: []Move{}, Residents: []Move{}}
	for c, g := range after {
		if _, ok := before[c]; ok {
			d.Changed = append(d.Changed, diffGrid(g))
		} else {
			d.Added = append(d.Added, diffGrid(g))
		}
	}
	for c, g := range before {
		if _, ok := after[c]; !ok {
			d.Removed = append(d.Removed, diffGrid(g))
		}
	}
	for _, l := range [][]DiffGrid{d.Added, d.Removed, d.Changed} {
		slices.SortFunc(l, func(x, y DiffGrid) int {
			if x.Level != y.Level {
				return x.Level - y.Level
			}
			return compareText(x.Code, y.Code)
		})
	}
	if d.ground, err = s.db.MovedGround(ctx, plan, before, after); err != nil {
		return nil, err
	}
	level := map[string]int{}
	for c, g := range before {
		level[c] = g.Level
	}
	for c, g := range after {
		level[c] = g.Level
	}
	for _, m := range d.ground {
		d.Moved = append(d.Moved, Move{From: m.From, To: m.To, Level: level[m.From], AreaM2: m.AreaM2})
	}
	// Residents per level: a unit is in one grid of each level.
	levels := map[int][2]map[string]orb.MultiPolygon{}
	for c, g := range before {
		l := levels[g.Level]
		if l[0] == nil {
			l = [2]map[string]orb.MultiPolygon{{}, {}}
		}
		l[0][c] = g.Geometry
		levels[g.Level] = l
	}
	for c, g := range after {
		l := levels[g.Level]
		if l[0] == nil {
			l = [2]map[string]orb.MultiPolygon{{}, {}}
		}
		l[1][c] = g.Geometry
		levels[g.Level] = l
	}
	for _, n := range sortedInts(levels) {
		moved, err := s.db.MovedResidents(ctx, plan, levels[n][0], levels[n][1])
		if err != nil {
			return nil, err
		}
		for k, v := range moved {
			if k[0] != k[1] {
				d.Residents = append(d.Residents, Move{From: k[0], To: k[1], Level: n, Persons: v[0], Households: v[1]})
			}
		}
	}
	slices.SortFunc(d.Residents, func(x, y Move) int {
		if x.Level != y.Level {
			return x.Level - y.Level
		}
		if c := compareText(x.From, y.From); c != 0 {
			return c
		}
		return compareText(x.To, y.To)
	})
	if to.Draft != "" {
		dr, err := s.db.Draft(ctx, plan, to.Draft)
		if err != nil {
			return nil, err
		}
		rows, err := s.db.Lineage(ctx, plan.ID, "", to.Draft)
		if err != nil {
			return nil, err
		}
		d.Lineage = []store.LineageRow{}
		for _, r := range rows {
			if r.Revision > dr.BaseRevision || from.Revision > 0 && r.Revision > from.Revision {
				d.Lineage = append(d.Lineage, r)
			}
		}
	}
	if d.Lineage == nil {
		d.Lineage = []store.LineageRow{}
	}
	return d, nil
}

func diffGrid(g store.DiffGrid) DiffGrid {
	return DiffGrid{Code: g.Code, Name: g.Name, Level: g.Level, Parent: g.Parent}
}

func compareText(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// GeoJSON is the ground the diff moved, one feature per piece (WGS84),
// with from, to, area_m2 and the residents that went along: what the map
// outlines.
func (d *Diff) GeoJSON() *geojson.FeatureCollection {
	residents := map[[2]string]Move{}
	for _, m := range d.Residents {
		residents[[2]string{m.From, m.To}] = m
	}
	fc := geojson.NewFeatureCollection()
	for i, g := range d.ground {
		f := geojson.NewFeature(g.Geometry)
		f.ID = i + 1
		res := residents[[2]string{g.From, g.To}]
		f.Properties = geojson.Properties{"from": g.From, "to": g.To, "area_m2": g.AreaM2,
			"persons": res.Persons, "households": res.Households}
		fc.Append(f)
	}
	return fc
}
