package suggest

import (
	"context"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
)

// TestSplitOverBandGrids splits every over-band grid of the demo that a
// number of parts can bring within its band, along child grids, with the
// top proposal, all in one draft; PostGIS then judges: every part within
// the band, every level tiling its parent, every unit in one grid per
// level, and no unit within clearance of a new boundary. Grids no number
// of parts can bring within the band (501–599 households) are refused
// with the advice to rebalance. Every proposal was previewed by the
// editing layer and none refused.
func TestSplitOverBandGrids(t *testing.T) {
	f := newFixture(t)
	over := f.codes(`g.code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level = 3 AND g.kind = 'base' AND s.band = 'over'`)
	d := f.draft("splits")
	var parts []string
	split, infeasible := 0, 0
	for _, code := range over {
		ans, err := f.svc.Split(f.ctx(), d, code, SplitOptions{Preview: true})
		if domain.ErrorCode(err) == domain.ErrInvalid && strings.Contains(domain.ErrorMessage(err), "no number of parts") {
			infeasible++
			continue
		}
		if err != nil {
			t.Fatalf("split %s: %v", code, err)
		}
		if len(ans.Refused) > 0 || len(ans.Proposals) == 0 {
			t.Fatalf("split %s: the editing layer refused %v", code, ans.Refused)
		}
		top := ans.Proposals[0]
		if !top.WithinBand {
			t.Errorf("split %s: the top proposal is not within the band: %s", code, top.Why)
			continue
		}
		for _, p := range ans.Proposals {
			if p.Preview == nil {
				t.Fatalf("split %s: proposal %d has no preview", code, p.Rank)
			}
		}
		res := f.apply(d, top.Proposal)
		parts = append(parts, res.Codes[0]...)
		split++
		d = f.view("splits")
	}
	t.Logf("%d over-band grids: %d split within the band, %d cannot be by any number of parts", len(over), split, infeasible)
	if split == 0 {
		t.Fatal("no grid was split")
	}
	ws := d.Workspace
	pgtest.JudgeTiling(t, f.db, ws, tilingTolM2)
	f.judgeCoverage(d)
	pgtest.JudgeConserved(t, f.db, ws)
	// Each part within 300–500 households and at most 2,500 persons.
	rows, err := f.db.Pool().Query(context.Background(), `
		SELECT g.code, coalesce(sum(u.households), 0), coalesce(sum(u.persons), 0) FROM grid g
		  LEFT JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(g.geom_m, u.geom_m)
		 WHERE g.ws_id = $1 AND g.code = ANY($2) GROUP BY g.code`, ws, parts)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var code string
		var h, p int64
		if err := rows.Scan(&code, &h, &p); err != nil {
			t.Fatal(err)
		}
		n++
		if h < 300 || h > 500 || p > 2500 {
			t.Errorf("part %s: %d households, %d persons: outside 300–500 households, ≤ 2,500 persons", code, h, p)
		}
	}
	rows.Close()
	if n != len(parts) {
		t.Errorf("%d of %d parts found", n, len(parts))
	}
	// No building within clearance of a boundary between two parts.
	if cut := f.scalar(`
		SELECT count(*) FROM unit u, grid a, grid b
		 WHERE a.ws_id = $1 AND b.ws_id = $1 AND a.code = ANY($2) AND b.code = ANY($2) AND a.code < b.code
		   AND ST_Intersects(a.geom_m, b.geom_m) AND u.plan_id = a.plan_id
		   AND ST_DWithin(u.geom_m, ST_Intersection(ST_Boundary(a.geom_m), ST_Boundary(b.geom_m)), 0.4)`, ws, parts); cut != 0 {
		t.Errorf("%v buildings lie on a new boundary", cut)
	}
}

// TestRebalanceCommunities rebalances every community with out-of-band
// grids, one after another in one draft, and has PostGIS judge the draft:
// tiling exact, population conserved, and as many grids within the band
// as each proposal said.
func TestRebalanceCommunities(t *testing.T) {
	f := newFixture(t)
	communities := f.codes(`g.parent_code FROM grid g JOIN grid_stats s ON s.ws_id = g.ws_id AND s.code = g.code
		WHERE g.ws_id = $1 AND g.level = 3 AND g.kind = 'base' AND s.band <> 'within'`)
	d := f.draft("rebalance")
	var before, after, grids, moved int64
	for _, code := range communities {
		ans, err := f.svc.Rebalance(f.ctx(), d, code, RebalanceOptions{Preview: true})
		if err != nil {
			t.Fatalf("rebalance %s: %v", code, err)
		}
		if len(ans.Refused) > 0 || len(ans.Proposals) != 1 {
			t.Fatalf("rebalance %s: the editing layer refused %v", code, ans.Refused)
		}
		f.apply(d, ans.Proposals[0])
		d = f.view("rebalance")
		within := f.scalar(`
			SELECT count(*) FROM (SELECT g.code, coalesce(sum(u.households), 0) h, coalesce(sum(u.persons), 0) p FROM grid g
			  LEFT JOIN unit u ON u.plan_id = g.plan_id AND ST_Intersects(g.geom_m, u.geom_m)
			 WHERE g.ws_id = $1 AND g.parent_code = $2 AND g.kind = 'base' GROUP BY g.code) x
			 WHERE h BETWEEN 300 AND 500 AND p <= 2500`, d.Workspace, code)
		if int(within) != ans.WithinAfter {
			t.Errorf("rebalance %s: %v grids within the band after, the proposal said %d", code, within, ans.WithinAfter)
		}
		before, after, grids, moved = before+int64(ans.WithinBefore), after+int64(within), grids+int64(ans.GridsAfter), moved+ans.HouseholdsMoved
	}
	t.Logf("%d communities: grids within the band %d → %d of %d, %d households moved", len(communities), before, after, grids, moved)
	if after <= before {
		t.Errorf("rebalancing brought no grid within the band")
	}
	pgtest.JudgeTiling(t, f.db, d.Workspace, tilingTolM2)
	f.judgeCoverage(d)
	pgtest.JudgeConserved(t, f.db, d.Workspace)
}
