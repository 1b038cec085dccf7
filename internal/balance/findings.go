package balance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
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

// findings are the balance findings: unassigned population first (most
// persons first), then out-of-band base grids by level and code.
func (m *model) findings(unassigned []UnassignedRow) []domain.Finding {
	var out []domain.Finding
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
			Reason: fmt.Sprintf("unit %d%s: %d persons, %d households in no grid of level %s%s",
				r.Unit, name, r.Persons, r.Households, strings.Join(levels, ", "), at(r))}
		if r.Location != nil {
			f.Geometry = r.Location.Geometry()
		}
		out = append(out, f)
	}
	grids := slices.Clone(m.grids)
	slices.SortFunc(grids, func(a, b *grid) int {
		if a == nil || b == nil {
			return cmp.Compare(boolRank(a == nil), boolRank(b == nil))
		}
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.Code, b.Code))
	})
	for _, g := range grids {
		if g == nil || g.Kind != domain.KindBase || g.band == Within {
			continue
		}
		l := m.levelSettings(g.Level)
		kind, remedy := KindUnderBand, "a merge candidate if a neighbour fits"
		if g.band == Over {
			kind = KindOverBand
			remedy = fmt.Sprintf("split into %d", splitParts(l.Band, g.persons, g.households))
		}
		out = append(out, domain.Finding{Check: "balance", Kind: kind, Severity: domain.SeverityWarning,
			Level: g.Level, Parent: g.Parent, Grids: []string{g.Code},
			Reason: fmt.Sprintf("%s %s (level %d): %d persons, %d households, %s the band of %s (%+.1f%% from ideal); %s",
				l.Name, g.Code, g.Level, g.persons, g.households, g.band, BandText(l.Band), g.deviation, remedy)})
	}
	return out
}

// at says where an unassigned unit is, in WGS84 degrees.
func at(r UnassignedRow) string {
	if r.Location == nil {
		return ""
	}
	p, _ := r.Location.Coordinates.(orb.Point)
	return fmt.Sprintf(", at %.6f, %.6f", p[0], p[1])
}

// written is what the database holds of a plan's balance results, so that
// only changes are written: after an edit, and on a cold start when the
// stored results are still right.
type written struct {
	stats    map[string]domain.GridStats
	findings map[string]bool // findingKey of each stored finding
}

// findingKey identifies a finding by everything stored about it but its
// geometry, which follows from the grid or is spelled out in the reason.
// It matches store.BalanceWritten's keys.
func findingKey(f domain.Finding) string {
	return strings.Join([]string{f.Kind, f.Severity, strconv.Itoa(f.Level), f.Parent, strings.Join(f.Grids, ","), f.Reason}, keySep)
}

const keySep = "\x1f"

// readWritten reads what the database holds of the plan's balance results.
func readWritten(ctx context.Context, db *store.DB, ws int64) (*written, error) {
	stats, stored, err := db.BalanceWritten(ctx, ws)
	if err != nil {
		return nil, err
	}
	w := &written{stats: stats, findings: make(map[string]bool, len(stored))}
	for _, k := range stored {
		w.findings[k] = true
	}
	return w, nil
}

// snapshot is what persist would leave stored for the current counts.
func (m *model) snapshot(findings []domain.Finding) *written {
	w := &written{stats: make(map[string]domain.GridStats, len(m.grids)), findings: make(map[string]bool, len(findings))}
	for _, g := range m.grids {
		if g != nil {
			w.stats[g.Code] = g.stat()
		}
	}
	for _, f := range findings {
		w.findings[findingKey(f)] = true
	}
	return w
}

// resultsFormat changes whenever the stored results would be written
// differently for the same counts (the wording of findings, say), so that
// results stamped by an older gridplan are compared and rewritten.
const resultsFormat = "balance/3" // 2: with assignments and shapes (balance_place, balance_grid); 3: units in grid_stats

// resultsKey identifies the settings the stored results depend on.
func (m *model) resultsKey() string { return resultsKeyOf(m.rule, m.levels) }

func resultsKeyOf(rule string, levels []store.BalanceLevel) string {
	return fmt.Sprintf("%s %s %v", resultsFormat, rule, levels)
}

// persist writes what changed of grid_stats and the balance findings
// since w (read from the database when nil).
func (m *model) persist(ctx context.Context, db *store.DB, w *written, findings []domain.Finding) (*written, error) {
	if w == nil {
		var err error
		if w, err = readWritten(ctx, db, m.ws); err != nil {
			return nil, err
		}
	}
	stats := make(map[string]domain.GridStats, len(m.grids))
	for _, g := range m.grids {
		if g != nil {
			stats[g.Code] = g.stat()
		}
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
		// Rewriting all rows is cheaper than upserting most of them.
		all := len(rows) > len(stats)/2
		if all {
			rows = rows[:0]
			for code, s := range stats {
				rows = append(rows, store.GridStat{Code: code, GridStats: s})
			}
		}
		if err := db.WriteGridStats(ctx, m.ws, all, rows, removed); err != nil {
			return nil, err
		}
	}

	keys := make(map[string]bool, len(findings))
	var scope store.FindingScope
	changed := func(kind string, grids []string) {
		if kind == KindUnassigned {
			scope.Kinds = []string{KindUnassigned}
		} else {
			scope.Grids = append(scope.Grids, grids...)
		}
	}
	byKey := map[string]domain.Finding{}
	for _, f := range findings {
		k := findingKey(f)
		keys[k], byKey[k] = true, f
		if !w.findings[k] {
			changed(f.Kind, f.Grids)
		}
	}
	for k := range w.findings {
		if !keys[k] {
			parts := strings.Split(k, keySep)
			if len(parts) < 5 {
				scope = store.FindingScope{All: true} // not a key of ours: rewrite all
				continue
			}
			changed(parts[0], strings.Split(parts[4], ","))
		}
	}
	if scope.All || len(scope.Grids) > 0 || len(scope.Kinds) > 0 {
		if len(scope.Grids) > len(findings)/2 {
			scope = store.FindingScope{All: true}
		}
		if err := db.ReplaceFindingsIn(ctx, m.ws, "balance", scope, inScope(findings, scope)); err != nil {
			return nil, err
		}
	}
	return &written{stats: stats, findings: keys}, nil
}

// inScope keeps the findings a scoped write replaces.
func inScope(findings []domain.Finding, scope store.FindingScope) []domain.Finding {
	if scope.All {
		return findings
	}
	var out []domain.Finding
	for _, f := range findings {
		if slices.Contains(scope.Kinds, f.Kind) || (len(f.Grids) == 1 && slices.Contains(scope.Grids, f.Grids[0])) {
			out = append(out, f)
		}
	}
	return out
}
