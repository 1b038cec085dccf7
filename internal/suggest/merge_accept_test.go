package suggest

import (
	"context"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/domain"
)

// TestMergesKeepTheWalkingRule asks for merges among the children of
// every street and community with an under-band child, under the default
// rule (community service centres within 10 minutes) and a wider one, and
// has pgRouting confirm each proposal: pgr_drivingDistance on the stored
// network from the two ends of the kept facility's street, with the legs
// from the doors to the streets measured by PostGIS, puts every resident
// of the merged grids within the rule's distance of the kept facility —
// and agrees with gridplan's farthest walk. Every proposal was previewed
// by the editing layer and none refused; the first is then applied.
func TestMergesKeepTheWalkingRule(t *testing.T) {
	f := newFixture(t)
	if err := reference.EnsurePgRouting(context.Background(), f.db.Pool()); err != nil {
		t.Fatal(err)
	}
	parents := f.codes(`g.parent_code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level IN (2, 3) AND g.kind = 'base' AND s.band = 'under'`)
	d := f.draft("merges")
	checked, rejected, diff := 0, 0, 0.0
	var first *MergeProposal
	for _, rule := range []string{"", "street_service_centre:15"} {
		for _, code := range parents {
			ans, err := f.svc.Merge(f.ctx(), d, code, MergeOptions{Rule: rule, Preview: true})
			if err != nil {
				t.Fatalf("merge %s under %q: %v", code, rule, err)
			}
			if len(ans.Refused) > 0 {
				t.Fatalf("merge %s: the editing layer refused %v", code, ans.Refused)
			}
			rejected += len(ans.Rejected)
			r, err := f.svc.rule(context.Background(), d, rule, ans.Level)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ans.Proposals {
				if p.Preview == nil || p.CoverageAfterPct != 100 {
					t.Errorf("merge %v: preview %v, coverage after %v%%", p.Grids, p.Preview != nil, p.CoverageAfterPct)
				}
				worst := f.pgRoutingWorstWalk(d, p, r)
				if worst > r.DistanceM()+1e-6 {
					t.Errorf("merge %v keeping facility %d: pgRouting has a resident %.2f m away, beyond %v m", p.Grids, p.Facility.ID, worst, r.DistanceM())
				}
				if math.Abs(worst-p.MaxWalkM) > 0.05+1e-6*worst {
					t.Errorf("merge %v: farthest walk %.3f m by pgRouting, %.3f m by gridplan", p.Grids, worst, p.MaxWalkM)
				}
				diff = math.Max(diff, math.Abs(worst-p.MaxWalkM))
				checked++
				if first == nil {
					first = &p
				}
			}
		}
	}
	t.Logf("%d parents, two rules: %d merges confirmed by pgRouting (farthest walks within %.3f m of gridplan's), %d unions within the band rejected by the walking rule",
		len(parents), checked, diff, rejected)
	if checked == 0 {
		t.Fatal("no merge was proposed")
	}
	res := f.apply(d, first.Proposal)
	if len(res.Changed) == 0 {
		t.Errorf("merge %v changed nothing", first.Grids)
	}
}

// pgRoutingWorstWalk is the longest walk, in metres, from the kept
// facility of a merge to any resident of its grids (units with persons),
// computed by PostGIS and pgRouting alone.
func (f *fixture) pgRoutingWorstWalk(p domain.Plan, m MergeProposal, r domain.CircleRule) float64 {
	f.t.Helper()
	var worst float64
	err := f.db.Pool().QueryRow(context.Background(), `
		WITH fe AS (
			SELECT e.id, e.source, e.target, e.length_m, ST_LineLocatePoint(e.geom_m, fa.geom_m) AS t,
			       ST_Distance(e.geom_m, fa.geom_m) AS d
			  FROM facility fa CROSS JOIN LATERAL (
			       SELECT * FROM net_edge e WHERE e.plan_id = fa.plan_id ORDER BY e.geom_m <-> fa.geom_m LIMIT 1) e
			 WHERE fa.id = @facility),
		edges AS (SELECT format('SELECT id, source, target, cost, reverse_cost FROM net_edge WHERE plan_id = %s', @plan::bigint) AS q),
		nodes AS (
			SELECT node, min(c) AS c FROM (
				SELECT dd.node, fe.d + fe.t * fe.length_m + dd.agg_cost AS c
				  FROM fe, edges, pgr_drivingDistance(edges.q, fe.source, @limit::float8, directed => true) dd
				UNION ALL
				SELECT dd.node, fe.d + (1 - fe.t) * fe.length_m + dd.agg_cost
				  FROM fe, edges, pgr_drivingDistance(edges.q, fe.target, @limit::float8, directed => true) dd) x
			 GROUP BY node),
		u AS (
			SELECT DISTINCT u.id, ue.* FROM grid g
			  JOIN unit u ON u.plan_id = g.plan_id AND u.persons > 0
			   AND ST_Intersects(g.geom_m, CASE WHEN GeometryType(u.geom_m) = 'POINT' THEN u.geom_m ELSE ST_PointOnSurface(u.geom_m) END)
			 CROSS JOIN LATERAL (
			       SELECT e.id AS eid, e.source, e.target, e.length_m, ST_LineLocatePoint(e.geom_m, u.geom_m) AS t,
			              ST_Distance(e.geom_m, u.geom_m) AS d
			         FROM net_edge e WHERE e.plan_id = u.plan_id ORDER BY e.geom_m <-> u.geom_m LIMIT 1) ue
			 WHERE g.ws_id = @ws AND g.code = ANY(@grids))
		SELECT coalesce(max(u.d + least(
		           coalesce(ns.c + u.t * u.length_m, 'Infinity'),
		           coalesce(nt.c + (1 - u.t) * u.length_m, 'Infinity'),
		           CASE WHEN u.eid = fe.id THEN fe.d + abs(u.t - fe.t) * u.length_m ELSE 'Infinity' END)), 0)
		  FROM u CROSS JOIN fe LEFT JOIN nodes ns ON ns.node = u.source LEFT JOIN nodes nt ON nt.node = u.target`,
		pgx.NamedArgs{"facility": m.Facility.ID, "plan": p.ID, "limit": r.DistanceM(), "ws": p.Workspace, "grids": m.Grids}).Scan(&worst)
	if err != nil {
		f.t.Fatal(err)
	}
	return worst
}
