package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/bench/reference"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

// Edit measures change sets in a draft of the plan: the preview of a
// reshape of one micro-grid (coverage, balance and circles figures before
// and after) and its commit, and the previews of a community split along
// a line through its grids and of two communities merged, against the
// reference of auditing the whole plan the naive way (the coverage SQL
// and the PostGIS population join), which is what a change's effect costs
// without incremental checks.
func Edit(ctx context.Context, s Setup) (_ []Result, retErr error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	ctx = domain.WithActor(ctx, domain.Actor{Name: "gridplan bench", Via: "cli"})
	auditor := s.NewAuditor()
	ed := s.NewEditing(auditor)
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if _, err := ed.CreateDraft(ctx, plan, name, 0, "benchmark"); err != nil {
		return nil, err
	}
	d, err := db.PlanView(ctx, plan.Name, domain.View{Draft: name})
	if err != nil {
		return nil, err
	}
	// The draft's rows are new to the planner's statistics until autovacuum
	// comes by; the reference's joins (not gridplan's lookups by code) then
	// take plans that run for minutes, so both run on analysed tables.
	if _, err := db.Pool().Exec(ctx, `ANALYZE grid`); err != nil {
		return nil, err
	}
	// The draft is a full copy of the plan's grids: runs that left theirs
	// behind would make each later run read a larger table.
	defer func() {
		if err := dropDraft(context.WithoutCancel(ctx), db, d); err != nil && retErr == nil {
			retErr = err
		}
	}()
	if _, err := auditor.Run(ctx, d, auditor.Checks()); err != nil { // a warm server
		return nil, err
	}
	ref, err := Median(min(runs, 3), false, func() error {
		if _, err := reference.Coverage(ctx, db.Pool(), d.Workspace); err != nil {
			return err
		}
		_, err := reference.GridPersons(ctx, db.Pool(), d.Workspace)
		return err
	})
	if err != nil {
		return nil, err
	}
	micro, in, out, err := benchReshape(ctx, db, d)
	if err != nil {
		return nil, err
	}
	apply := func(cs editing.ChangeSet, dry bool) (*editing.Result, error) {
		view, err := db.PlanView(ctx, plan.Name, d.View)
		if err != nil {
			return nil, err
		}
		return ed.Apply(ctx, view, cs, dry)
	}
	var changed int
	preview, err := Median(runs, true, func() error {
		res, err := apply(in, true)
		if err == nil {
			changed = len(res.Changed)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// Commits alternate the corner in and out, so the draft ends as it
	// began (apart from its history).
	flip := false
	commit, err := Median(2*max(1, runs/2), false, func() error {
		cs := in
		if flip {
			cs = out
		}
		flip = !flip
		_, err := apply(cs, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	split, merge, community, err := benchCommunity(ctx, db, d)
	if err != nil {
		return nil, err
	}
	var splitRes, mergeRes *editing.Result
	splitTime, err := Median(runs, true, func() (err error) { splitRes, err = apply(split, true); return err })
	if err != nil {
		return nil, fmt.Errorf("split of community %s: %w", community, err)
	}
	mergeTime, err := Median(runs, true, func() (err error) { mergeRes, err = apply(merge, true); return err })
	if err != nil {
		return nil, fmt.Errorf("merge of community %s: %w", community, err)
	}
	naive := "naive audit (coverage SQL + population join)"
	return []Result{
		{Name: "preview of a micro-grid reshape", RefName: naive, Reference: ref, Measured: preview, Target: "< 100 ms, ≥ 30×",
			Note: fmt.Sprintf("micro-grid %s, one corner moved; %d grids written; coverage, balance and circles before → after", micro, changed)},
		{Name: "commit of the reshape", RefName: naive, Reference: ref, Measured: commit, Target: "< 200 ms",
			Note: "the same, stored as a revision with lineage, checks updated"},
		{Name: "preview of a community split", RefName: naive, Reference: ref, Measured: splitTime, Target: "< 300 ms",
			Note: fmt.Sprintf("community %s cut by a line through its grids and micro-grids (split_children): %d grids written", community, len(splitRes.Changed))},
		{Name: "preview of a community merge", RefName: naive, Reference: ref, Measured: mergeTime, Target: "< 300 ms",
			Note: fmt.Sprintf("community %s and a neighbour merged, their grids reparented: %d grids written", community, len(mergeRes.Changed))},
	}, nil
}

// benchReshape is a reshape of a micro-grid in the middle of the plan that
// moves its corner farthest from its parent's boundary a fifth of the way
// in, and the change set moving it back.
func benchReshape(ctx context.Context, db *store.DB, d domain.Plan) (string, editing.ChangeSet, editing.ChangeSet, error) {
	var code string
	var ring []byte
	var at int
	err := db.Pool().QueryRow(ctx, `
		SELECT g.code, ST_AsGeoJSON(ST_ExteriorRing(ST_GeometryN(g.geom, 1)), 15),
		       (SELECT (d).path[1] - 1 FROM ST_DumpPoints(ST_ExteriorRing(ST_GeometryN(g.geom_m, 1))) d
		         ORDER BY ST_Distance((d).geom, ST_Boundary(p.geom_m)) DESC LIMIT 1)
		  FROM grid g JOIN grid p ON p.ws_id = g.ws_id AND p.code = g.parent_code
		 WHERE g.ws_id = $1 AND g.level = 4 AND g.kind = 'base' AND ST_NumGeometries(g.geom) = 1
		   AND ST_NumInteriorRings(ST_GeometryN(g.geom, 1)) = 0
		 ORDER BY g.code OFFSET (SELECT count(*) / 2 FROM grid WHERE ws_id = $1 AND level = 4) LIMIT 1`, d.Workspace).
		Scan(&code, &ring, &at)
	if err != nil {
		return "", editing.ChangeSet{}, editing.ChangeSet{}, err
	}
	var line struct{ Coordinates [][2]float64 }
	if err := json.Unmarshal(ring, &line); err != nil {
		return "", editing.ChangeSet{}, editing.ChangeSet{}, err
	}
	r := make(orb.Ring, len(line.Coordinates))
	for i, c := range line.Coordinates {
		r[i] = orb.Point(c)
	}
	c := orb.Polygon{r}.Bound().Center()
	movedRing := slices.Clone(r)
	q := movedRing[at]
	movedRing[at] = orb.Point{q[0] + 0.2*(c[0]-q[0]), q[1] + 0.2*(c[1]-q[1])}
	if at == 0 {
		movedRing[len(movedRing)-1] = movedRing[0]
	}
	reshape := func(rr orb.Ring) editing.ChangeSet {
		return editing.ChangeSet{Message: "benchmark reshape", Ops: []editing.Op{{Kind: editing.OpReshape, Grid: code,
			Geometry: orb.MultiPolygon{{rr}}}}}
	}
	return code, reshape(movedRing), reshape(r), nil
}

// benchCommunity is a split of a community in the middle of the plan by a
// north-south line through it (its grids and micro-grids split along), and
// a merge of it with the neighbour it shares most boundary with.
func benchCommunity(ctx context.Context, db *store.DB, d domain.Plan) (split, merge editing.ChangeSet, code string, err error) {
	var other string
	var minx, miny, maxx, maxy float64
	err = db.Pool().QueryRow(ctx, `
		SELECT c.code, n.code, ST_XMin(c.geom), ST_YMin(c.geom), ST_XMax(c.geom), ST_YMax(c.geom)
		  FROM grid c JOIN LATERAL (
		       SELECT n.code FROM grid n WHERE n.ws_id = c.ws_id AND n.level = 2 AND n.kind = 'base' AND n.code <> c.code
		          AND n.parent_code = c.parent_code AND ST_Intersects(n.geom_m, c.geom_m)
		        ORDER BY ST_Length(ST_CollectionExtract(ST_Intersection(n.geom_m, c.geom_m), 2)) DESC LIMIT 1) n ON true
		 WHERE c.ws_id = $1 AND c.level = 2 AND c.kind = 'base'
		 ORDER BY c.code OFFSET (SELECT count(*) / 2 FROM grid WHERE ws_id = $1 AND level = 2 AND kind = 'base') LIMIT 1`,
		d.Workspace).Scan(&code, &other, &minx, &miny, &maxx, &maxy)
	if err != nil {
		return split, merge, code, err
	}
	x := minx + 0.43*(maxx-minx)
	pad := (maxy - miny) / 10
	split = editing.ChangeSet{Message: "benchmark split", Ops: []editing.Op{{Kind: editing.OpSplit, Grid: code, SplitChildren: true,
		Lines: []orb.LineString{{{x, miny - pad}, {x, maxy + pad}}}}}}
	merge = editing.ChangeSet{Message: "benchmark merge", Ops: []editing.Op{{Kind: editing.OpMerge, Grids: []string{code, other}, Keep: code}}}
	return split, merge, code, nil
}

// dropDraft deletes a benchmark's draft and its workspace (grids, findings
// and figures go with it); its revisions stay in the plan's history.
func dropDraft(ctx context.Context, db *store.DB, d domain.Plan) error {
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	args := pgx.NamedArgs{"plan": d.ID, "name": d.View.Draft, "ws": d.Workspace}
	if _, err := tx.Exec(ctx, `DELETE FROM draft WHERE plan_id = @plan AND name = @name`, args); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM workspace WHERE id = @ws`, args); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
