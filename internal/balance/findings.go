package balance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Finding kinds of the balance check.
const (
	KindUnassigned = "unassigned_population"
	KindOverBand   = "over_band"
	KindUnderBand  = "under_band"
)

// unassignedRows lists the units some level's tiling grids miss, most
// persons first, with their names and WGS84 points (read once per unit and
// kept in places).
func (m *model) unassignedRows(ctx context.Context, db *store.DB, places map[int64]store.BalanceUnitPlace) ([]UnassignedRow, error) {
	ns := m.levelNumbers()
	gaps := map[int32]bool{}
	for _, n := range ns {
		for u := range m.lv[n].gaps {
			gaps[u] = true
		}
	}
	var rows []UnassignedRow
	var missing []int64
	for u := range gaps {
		var r UnassignedRow
		for _, n := range ns {
			if p, h, ok := m.unassigned(m.lv[n], u); ok {
				r.Levels = append(r.Levels, n)
				r.Persons, r.Households = max(r.Persons, p), max(r.Households, h)
			}
		}
		id := m.units.ids[u]
		r.Unit = id
		if _, ok := places[id]; !ok {
			missing = append(missing, id)
		}
		rows = append(rows, r)
	}
	if len(missing) > 0 {
		got, err := db.BalanceUnitPlaces(ctx, m.planID, missing)
		if err != nil {
			return nil, err
		}
		for id, p := range got {
			places[id] = p
		}
	}
	for i := range rows {
		p := places[rows[i].Unit]
		rows[i].Name = p.Name
		rows[i].Location = geojson.NewGeometry(p.Point)
	}
	slices.SortFunc(rows, func(a, b UnassignedRow) int {
		return cmp.Or(cmp.Compare(b.Persons, a.Persons), cmp.Compare(a.Unit, b.Unit))
	})
	return rows, nil
}

// findings are the balance findings, keyed so that an edit rewrites only
// those that changed: "grid:CODE" for out-of-band base grids and
// "unit:ID" for unassigned population.
func (m *model) findings(unassigned []UnassignedRow) map[string]domain.Finding {
	out := map[string]domain.Finding{}
	for _, r := range unassigned {
		sev := domain.SeverityError
		if r.Persons == 0 {
			sev = domain.SeverityWarning // an empty building in a gap: a coverage matter, not population
		}
		levels := make([]string, len(r.Levels))
		for i, n := range r.Levels {
			levels[i] = fmt.Sprint(n)
		}
		name := ""
		if r.Name != "" {
			name = fmt.Sprintf(" %q", r.Name)
		}
		f := domain.Finding{Check: "balance", Kind: KindUnassigned, Severity: sev, Level: r.Levels[0],
			Reason: fmt.Sprintf("unit %d%s: %d persons, %d households in no grid of level %s",
				r.Unit, name, r.Persons, r.Households, strings.Join(levels, ", "))}
		if r.Location != nil {
			f.Geometry = r.Location.Geometry()
		}
		out[fmt.Sprintf("unit:%d", r.Unit)] = f
	}
	for _, g := range m.grids {
		if g == nil || g.Kind != domain.KindBase || g.band == Within {
			continue
		}
		l := m.levelSettings(g.Level)
		kind, remedy := KindUnderBand, "a merge candidate if a neighbour fits"
		if g.band == Over {
			kind = KindOverBand
			remedy = fmt.Sprintf("split into %d", splitParts(l.Band, g.persons, g.households))
		}
		out["grid:"+g.Code] = domain.Finding{Check: "balance", Kind: kind, Severity: domain.SeverityWarning,
			Level: g.Level, Parent: g.Parent, Grids: []string{g.Code},
			Reason: fmt.Sprintf("%s %s (level %d): %d persons, %d households, %s the band of %s (%+.1f%% from ideal); %s",
				l.Name, g.Code, g.Level, g.persons, g.households, g.band, bandText(l.Band), g.deviation, remedy)}
	}
	return out
}

// written is what the database holds of a plan's balance results, so an
// edit rewrites only what changed.
type written struct {
	stats    map[string]domain.GridStats
	findings map[string]domain.Finding
}

// persist writes grid_stats rows and findings: everything when nothing is
// known to be written, else only the changes.
func (m *model) persist(ctx context.Context, db *store.DB, w *written, findings map[string]domain.Finding) (*written, error) {
	stats := map[string]domain.GridStats{}
	for _, g := range m.grids {
		if g != nil {
			stats[g.Code] = g.stat()
		}
	}
	if w == nil {
		rows := make([]store.GridStat, 0, len(stats))
		for code, s := range stats {
			rows = append(rows, store.GridStat{Code: code, GridStats: s})
		}
		if err := db.WriteGridStats(ctx, m.planID, true, rows, nil); err != nil {
			return nil, err
		}
		if err := db.ReplaceFindingsIn(ctx, m.planID, "balance", store.FindingScope{All: true}, sortedFindings(findings, nil)); err != nil {
			return nil, err
		}
		return &written{stats: stats, findings: findings}, nil
	}

	var rows []store.GridStat
	var removed []string
	for code, s := range stats {
		if old, ok := w.stats[code]; !ok || old != s {
			rows = append(rows, store.GridStat{Code: code, GridStats: s})
		}
	}
	for code := range w.stats {
		if _, ok := stats[code]; !ok {
			removed = append(removed, code)
		}
	}
	if len(rows) > 0 || len(removed) > 0 {
		if err := db.WriteGridStats(ctx, m.planID, false, rows, removed); err != nil {
			return nil, err
		}
	}
	var scope store.FindingScope
	changed := func(k string) bool {
		a, okA := w.findings[k]
		b, okB := findings[k]
		return okA != okB || a.Reason != b.Reason || a.Kind != b.Kind || a.Severity != b.Severity || a.Parent != b.Parent
	}
	for _, set := range []map[string]domain.Finding{w.findings, findings} {
		for k := range set {
			switch {
			case !changed(k):
			case strings.HasPrefix(k, "grid:"):
				if code := strings.TrimPrefix(k, "grid:"); !slices.Contains(scope.Grids, code) {
					scope.Grids = append(scope.Grids, code)
				}
			default:
				scope.Kinds = []string{KindUnassigned}
			}
		}
	}
	if len(scope.Grids) > 0 || len(scope.Kinds) > 0 {
		if err := db.ReplaceFindingsIn(ctx, m.planID, "balance", scope, sortedFindings(findings, &scope)); err != nil {
			return nil, err
		}
	}
	return &written{stats: stats, findings: findings}, nil
}

// sortedFindings lists the findings within scope (all when nil):
// unassigned population first, then grids by level and code.
func sortedFindings(all map[string]domain.Finding, scope *store.FindingScope) []domain.Finding {
	keys := make([]string, 0, len(all))
	for k, f := range all {
		if scope != nil && !slices.Contains(scope.Kinds, f.Kind) && !(len(f.Grids) == 1 && slices.Contains(scope.Grids, f.Grids[0])) {
			continue
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		fa, fb := all[a], all[b]
		return cmp.Or(cmp.Compare(boolRank(fa.Kind != KindUnassigned), boolRank(fb.Kind != KindUnassigned)),
			cmp.Compare(fa.Level, fb.Level), cmp.Compare(a, b))
	})
	out := make([]domain.Finding, len(keys))
	for i, k := range keys {
		out[i] = all[k]
	}
	return out
}
