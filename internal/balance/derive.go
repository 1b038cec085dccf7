package balance

import (
	"fmt"
	"slices"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Bands of a grid's size.
const (
	Under  = "under"
	Within = "within"
	Over   = "over"
)

// classify places a size against a band. A grid over on one measure is
// over even if under on the other: splitting is then the remedy a planner
// looks at first, and such a grid is rare (few, very large households).
func classify(b domain.Band, persons, households float64) string {
	over := (b.MaxPersons > 0 && persons > float64(b.MaxPersons)) ||
		(b.MaxHouseholds > 0 && households > float64(b.MaxHouseholds))
	under := (b.MinPersons > 0 && persons < float64(b.MinPersons)) ||
		(b.MinHouseholds > 0 && households < float64(b.MinHouseholds))
	switch {
	case over:
		return Over
	case under:
		return Under
	}
	return Within
}

// BandText describes a band for people, e.g. "20–50 households".
func BandText(b domain.Band) string {
	part := func(lo, hi int, what string) string {
		switch {
		case lo > 0 && hi > 0:
			return fmt.Sprintf("%d–%d %s", lo, hi, what)
		case lo > 0:
			return fmt.Sprintf("at least %d %s", lo, what)
		case hi > 0:
			return fmt.Sprintf("at most %d %s", hi, what)
		}
		return ""
	}
	h, p := part(b.MinHouseholds, b.MaxHouseholds, "households"), part(b.MinPersons, b.MaxPersons, "persons")
	switch {
	case h != "" && p != "":
		return h + ", " + p
	case h != "":
		return h
	case p != "":
		return p
	}
	return "no band"
}

// levelSettings returns the settings of level n (a level the plan does
// not describe has no band and a generic name).
func (m *model) levelSettings(n int) store.BalanceLevel {
	for _, l := range m.levels {
		if l.Level.Level == n {
			return l
		}
	}
	return store.BalanceLevel{Level: domain.Level{Level: n, Name: fmt.Sprintf("level %d", n)}}
}

// siblings keys the groups whose mean is a grid's ideal: grids of one level
// and one kind under the same parent.
type siblings struct {
	level  int
	parent string
	kind   domain.Kind
}

// derive computes every grid's ideal, deviation and band from the counts.
func (m *model) derive() { m.deriveGroups(nil) }

// deriveGroups derives the figures of the grids of the sibling groups
// given (all grids when groups is nil): a grid's ideal is its group's
// mean, so no other grid's figures depend on their counts. Groups are few,
// so looking one up is a scan, cheaper than hashing every grid's key.
func (m *model) deriveGroups(groups []siblings) {
	m.pairs = nil // bands move: merge candidates are found again
	in := func(k siblings) bool { return groups == nil || slices.Contains(groups, k) }
	type sum struct{ persons, grids int64 }
	sums := map[siblings]sum{}
	for _, g := range m.grids {
		if g == nil {
			continue
		}
		if k := (siblings{g.Level, g.Parent, g.Kind}); in(k) {
			s := sums[k]
			sums[k] = sum{s.persons + g.persons, s.grids + 1}
		}
	}
	for _, g := range m.grids {
		if g == nil {
			continue
		}
		k := siblings{g.Level, g.Parent, g.Kind}
		if !in(k) {
			continue
		}
		l := m.levelSettings(g.Level)
		s := sums[k]
		g.ideal = float64(s.persons) / float64(s.grids)
		if l.TargetPersons > 0 && g.Kind == domain.KindBase {
			g.ideal = float64(l.TargetPersons)
		}
		g.deviation = 0
		if g.ideal > 0 {
			g.deviation = round((float64(g.persons)-g.ideal)/g.ideal*100, 2)
		}
		g.band = classify(l.Band, float64(g.persons), float64(g.households))
	}
}

// stat is what grid_stats holds for g.
func (g *grid) stat() domain.GridStats {
	return domain.GridStats{Persons: int(g.persons), Households: int(g.households), Units: int(g.units), DeviationPct: g.deviation, Band: g.band}
}
