package circles

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// findingLevel is the level whose grids group the blind-spot findings:
// the grid level (3) when the plan has it, else its deepest level.
func (ms *membership) findingLevel() int {
	deepest := 0
	for _, g := range ms.grids {
		if g.level == 3 {
			return 3
		}
		deepest = max(deepest, g.level)
	}
	return deepest
}

// blindSpotFindings turns each rule's uncovered units into findings, one
// per grid of the finding level (and one for units outside those grids,
// or for the whole plan when it has no grids), each a MultiPoint of the
// units, so GIS tools and the map show where the blind spots are.
func blindSpotFindings(results []*Result) []domain.Finding {
	var out []domain.Finding
	for _, r := range results {
		m := r.model
		level := r.members.findingLevel()
		rule := r.Rule
		seen := make([]bool, len(m.units))
		add := func(code string, units []int32) {
			var pts orb.MultiPoint
			var persons, households int64
			for _, u := range units {
				seen[u] = true
				if r.Covered[u] || m.units[u].Persons == 0 {
					continue
				}
				pts = append(pts, m.units[u].LonLat)
				persons += int64(m.units[u].Persons)
				households += int64(m.units[u].Households)
			}
			if len(pts) == 0 {
				return
			}
			f := domain.Finding{Kind: "circle_blind_spot", Severity: domain.SeverityWarning, Geometry: pts,
				Reason: fmt.Sprintf("%d persons (%d households) are more than %d minutes (%.0f m, %s) from any %s",
					persons, households, rule.Minutes, rule.DistanceM(), r.Method, typesText(rule))}
			if code != "" {
				f.Level, f.Grids = level, []string{code}
				f.Reason = "grid " + code + ": " + f.Reason
			}
			out = append(out, f)
		}
		for _, g := range r.members.grids {
			if g.level == level {
				add(g.code, g.units)
			}
		}
		var rest []int32
		for u := range m.units {
			if !seen[u] {
				rest = append(rest, int32(u))
			}
		}
		add("", rest)
	}
	return out
}

// BlindSpots returns the rule's uncovered units with residents as GeoJSON
// points (WGS84) with their persons, households and walk: walk_m and
// walk_min are null when no facility is within reach at all.
func (r *Result) BlindSpots() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for i, u := range r.model.units {
		if r.Covered[i] || u.Persons == 0 {
			continue
		}
		f := geojson.NewFeature(u.LonLat)
		f.ID = u.ID
		f.Properties = geojson.Properties{"unit": u.ID, "persons": u.Persons, "households": u.Households,
			"facility_type": r.Rule.FacilityType, "minutes": r.Rule.Minutes, "method": r.Method,
			"walk_m": nil, "walk_min": nil}
		if c := r.Cost[i]; !math.IsInf(c, 1) {
			f.Properties["walk_m"] = math.Round(c*10) / 10
			f.Properties["walk_min"] = math.Round(c/r.Rule.SpeedMPerMin*10) / 10
		}
		fc.Append(f)
	}
	return fc
}

// Isochrones returns one feature per facility of the rule: the ground (a
// MultiPolygon in WGS84) from which it is within the rule's walk.
func (c *Checker) Isochrones(ctx context.Context, r *Result) (*geojson.FeatureCollection, error) {
	isos := r.isochrones()
	geoms := make([]orb.Geometry, len(isos))
	for i, iso := range isos {
		geoms[i] = iso.Area
	}
	wgs, err := c.db.Transform(ctx, geoms, r.model.srid, domain.WGS84)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for i, iso := range isos {
		fac := r.model.facilities[iso.Facility]
		f := geojson.NewFeature(wgs[i])
		f.ID = fac.ID
		f.Properties = geojson.Properties{"facility": fac.ID, "name": fac.Name, "type": fac.Type,
			"facility_type": r.Rule.FacilityType, "minutes": r.Rule.Minutes, "distance_m": r.Rule.DistanceM(),
			"method": r.Method}
		fc.Append(f)
	}
	return fc, nil
}

// Grids streams the plan's grids of one level (every level when 0) as
// GeoJSON features carrying the rule's figures, for the coverage map.
func (c *Checker) Grids(ctx context.Context, plan domain.Plan, r *Result, level int, fn func(*geojson.Feature) error) error {
	return c.db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: level}, func(g domain.Grid) error {
		var gm gridMembers
		if i, ok := r.members.byCode[g.Code]; ok {
			gm = r.members.grids[i]
		}
		gs := r.grid(gm)
		f := geojson.NewFeature(g.Geometry)
		f.ID = g.ID
		f.Properties = geojson.Properties{"code": g.Code, "name": g.Name, "level": g.Level, "kind": string(g.Kind),
			"facility_type": gs.FacilityType, "minutes": gs.Minutes, "persons": gs.Persons,
			"persons_uncovered": gs.PersonsUncovered, "coverage_pct": nil, "below_target": gs.BelowTarget}
		if gs.Persons > 0 {
			f.Properties["coverage_pct"] = gs.CoveragePct
		}
		return fn(f)
	})
}

// Summary is the rule's plan-wide figures with its suggestions.
func (c *Checker) Summary(plan domain.Plan, r *Result) RuleSummary { return c.ruleSummary(plan, r) }
