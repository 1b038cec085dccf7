package balance

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Merge proposes joining two adjacent sibling grids, at least one under its
// band, whose sum is within it.
type Merge struct {
	Level      int       `json:"level"`
	Parent     *string   `json:"parent"`
	Grids      [2]string `json:"grids"`
	Under      []string  `json:"under"` // which of the two are under the band now
	Persons    int64     `json:"persons"`
	Households int64     `json:"households"`
	// Fit is 1 when the merged grid sits mid-band and 0 at its edge.
	Fit             float64 `json:"fit"`
	SharedBoundaryM float64 `json:"shared_boundary_m"`
}

// Split proposes dividing an over-band grid into Parts grids.
type Split struct {
	Code       string  `json:"code"`
	Level      int     `json:"level"`
	Parent     *string `json:"parent"`
	Persons    int64   `json:"persons"`
	Households int64   `json:"households"`
	// Parts is the fewest equal parts that are not over the band.
	Parts             int     `json:"parts"`
	PersonsPerPart    float64 `json:"persons_per_part"`
	HouseholdsPerPart float64 `json:"households_per_part"`
	// InBand is false when even parts would fall under the band (the band
	// is narrower than the grid's households per person allow).
	InBand bool `json:"in_band"`
}

func parentRef(code string) *string {
	if code == "" {
		return nil
	}
	return &code
}

// splitParts is the fewest parts that bring persons and households to or
// below the band's maxima.
func splitParts(b domain.Band, persons, households int64) int {
	k := int64(2)
	if b.MaxPersons > 0 {
		k = max(k, (persons+int64(b.MaxPersons)-1)/int64(b.MaxPersons))
	}
	if b.MaxHouseholds > 0 {
		k = max(k, (households+int64(b.MaxHouseholds)-1)/int64(b.MaxHouseholds))
	}
	return int(k)
}

// fit measures how centred a size is in the band's two-sided measures: 1
// mid-band, 0 at an edge. A band with no two-sided measure gives 1.
func fit(b domain.Band, persons, households int64) float64 {
	f := 1.0
	centred := func(lo, hi int, x int64) {
		if lo > 0 && hi > lo {
			mid, half := float64(lo+hi)/2, float64(hi-lo)/2
			f = math.Min(f, 1-math.Abs(float64(x)-mid)/half)
		}
	}
	centred(b.MinPersons, b.MaxPersons, persons)
	centred(b.MinHouseholds, b.MaxHouseholds, households)
	return math.Max(0, f)
}

// suggest lists split candidates (over-band base grids) and merge
// candidates (pairs of adjacent base siblings, one or both under the band,
// whose sum is within it), best first.
func (m *model) suggest() (merges []Merge, splits []Split) {
	for _, g := range m.grids {
		if g == nil || g.Kind != domain.KindBase || g.band != Over {
			continue
		}
		b := m.levelSettings(g.Level).Band
		k := splitParts(b, g.persons, g.households)
		pp, hp := float64(g.persons)/float64(k), float64(g.households)/float64(k)
		splits = append(splits, Split{Code: g.Code, Level: g.Level, Parent: parentRef(g.Parent),
			Persons: g.persons, Households: g.households, Parts: k,
			PersonsPerPart: round(pp, 1), HouseholdsPerPart: round(hp, 1), InBand: classify(b, pp, hp) == Within})
	}
	m.eachMergePair(func(a, c *grid, b domain.Band) {
		shared := m.sharedLength(a, c)
		if !(shared > 0) {
			return
		}
		first, second := a, c
		if second.Code < first.Code {
			first, second = second, first
		}
		var under []string
		for _, g := range []*grid{first, second} {
			if g.band == Under {
				under = append(under, g.Code)
			}
		}
		p, h := a.persons+c.persons, a.households+c.households
		merges = append(merges, Merge{Level: a.Level, Parent: parentRef(a.Parent), Grids: [2]string{first.Code, second.Code},
			Under: under, Persons: p, Households: h, Fit: round(fit(b, p, h), 3), SharedBoundaryM: round(shared, 1)})
	})
	splits = splitOrder(splits)
	merges = sortedBy(merges, func(a, b *Merge) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(len(b.Under), len(a.Under)), cmp.Compare(b.Fit, a.Fit),
			cmp.Compare(b.SharedBoundaryM, a.SharedBoundaryM), cmp.Compare(a.Grids[0], b.Grids[0]), cmp.Compare(a.Grids[1], b.Grids[1]))
	})
	return merges, splits
}

// splitOrder orders split candidates (in place) level by level, most
// parts first, then most households, then by code.
func splitOrder(splits []Split) []Split {
	return orderBy(splits, func(s *Split) rowKey {
		return rowKey{uint64(s.Level)<<32 | uint64(math.MaxUint32-uint32(s.Parts)), math.MaxUint64 - uint64(s.Households), s.Code}
	})
}

// mergePair is two base siblings that could merge if they are adjacent.
type mergePair struct {
	a, c *grid
	band domain.Band
}

// eachMergePair calls fn with every pair of base siblings, one or both
// under the band, whose sum is within it and whose bounds come within the
// adjacency tolerance: the pairs whose shared boundary decides whether
// they are merge candidates. b is their level's band. The pairs are found
// once per derivation of the figures.
func (m *model) eachMergePair(fn func(a, c *grid, b domain.Band)) {
	if m.pairs == nil {
		m.pairs = m.findMergePairs()
	}
	for _, p := range *m.pairs {
		fn(p.a, p.c, p.band)
	}
}

func (m *model) findMergePairs() *[]mergePair {
	var out []mergePair
	groups := map[siblings][]*grid{}
	for _, g := range m.grids {
		if g != nil && g.Kind == domain.KindBase {
			k := siblings{g.Level, g.Parent, g.Kind}
			groups[k] = append(groups[k], g)
		}
	}
	for k, gs := range groups {
		b := m.levelSettings(k.level).Band
		for i, a := range gs {
			for _, c := range gs[i+1:] {
				if a.band != Under && c.band != Under {
					continue
				}
				if classify(b, float64(a.persons+c.persons), float64(a.households+c.households)) != Within {
					continue
				}
				if a.bound.Pad(m.tol).Intersects(c.bound) {
					out = append(out, mergePair{a, c, b})
				}
			}
		}
	}
	return &out
}

// loadMergeShapes reads the geometry a lite model (one built from stored
// assignments) needs for its merge candidates, in one round trip: only
// the grids of pairs whose shared boundary is still to be measured.
func (m *model) loadMergeShapes(ctx context.Context, db *store.DB) error {
	if !m.lite {
		return nil
	}
	need := map[string]bool{}
	m.eachMergePair(func(a, c *grid, _ domain.Band) {
		if _, ok := m.shared[[2]int32{min(a.idx, c.idx), max(a.idx, c.idx)}]; ok {
			return
		}
		for _, g := range []*grid{a, c} {
			if g.Geometry == nil {
				need[g.Code] = true
			}
		}
	})
	if len(need) == 0 {
		return nil
	}
	shapes, err := db.BalanceGeometries(ctx, m.ws, slices.Collect(maps.Keys(need)))
	if err != nil {
		return err
	}
	for code, geom := range shapes {
		m.grids[m.byCode[code]].Geometry = geom
	}
	return nil
}

// sharedLength is the boundary a and b share, cached per pair until either
// is edited.
func (m *model) sharedLength(a, b *grid) float64 {
	k := [2]int32{min(a.idx, b.idx), max(a.idx, b.idx)}
	if l, ok := m.shared[k]; ok {
		return l
	}
	l := geo.SharedBoundaryLength(a.Geometry, b.Geometry, m.tol)
	m.shared[k] = l
	m.unstored[k] = struct{}{}
	return l
}

// storeShared writes the shared lengths measured since they were last
// written, for a new process to read instead of the pairs' geometry.
func (m *model) storeShared(ctx context.Context, db *store.DB) error {
	if len(m.unstored) == 0 {
		return nil
	}
	rows := make([]store.BalanceShared, 0, len(m.unstored))
	for k := range m.unstored {
		a, b := m.grids[k[0]].Code, m.grids[k[1]].Code
		rows = append(rows, store.BalanceShared{A: min(a, b), B: max(a, b), SharedM: m.shared[k]})
	}
	if err := db.WriteBalanceShared(ctx, m.ws, m.version, m.tol, rows); err != nil {
		return err
	}
	clear(m.unstored)
	return nil
}

// storedShared takes a stored shared length (a lite model's, whose grids
// have no geometry to measure).
func (m *model) storedShared(sh store.BalanceShared) {
	a, okA := m.byCode[sh.A]
	b, okB := m.byCode[sh.B]
	if okA && okB {
		m.shared[[2]int32{min(a, b), max(a, b)}] = sh.SharedM
	}
}
