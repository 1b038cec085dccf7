package web_test

// The editing browser test: the demo district (scale 0.1, or
// GRIDPLAN_MAP_SCALE) in a real PostGIS, the real HTTP API with accounts,
// the editing service and the checks, and Debian's Chromium driven by
// browsertest/edit.spec.mjs with the mouse. Afterwards the stored plan is
// judged through the API and PostGIS: every level still tiles, residents
// are conserved, the lineage has the split, the merge and the reparent.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/web"
)

type editResult struct {
	Fixture     map[string]string `json:"fixture"`
	Lang        string            `json:"lang"`
	Toolbar     string            `json:"toolbar"`
	Draft       string            `json:"draft"`
	Labels      int               `json:"labels"`
	LabelSample []string          `json:"labelSample"`
	Latencies   []float64         `json:"latencies"`
	DragPreview struct {
		Rows  int      `json:"rows"`
		Grids []string `json:"grids"`
	} `json:"dragPreview"`
	AfterUndo      []string `json:"afterUndo"`
	Committed      int      `json:"committed"`
	RefreshedTiles int      `json:"refreshedTiles"`
	DiffPieces     int      `json:"diffPieces"`
	DiffMoves      []string `json:"diffMoves"`
	Revisions      []string `json:"revisions"`
	Viewer         struct {
		SideHidden   bool   `json:"sideHidden"`
		VisibleTools int    `json:"visibleTools"`
		Editing      string `json:"editing"`
	} `json:"viewer"`
	Scoped struct {
		Grid, Status, Text string
	} `json:"scoped"`
	Published     int               `json:"published"`
	Discarded     string            `json:"discarded"`
	DiscardLabel  string            `json:"discardLabel"`
	DiscardAsk    string            `json:"discardAsk"`
	DiscardListed bool              `json:"discardListed"`
	Screenshots   map[string]string `json:"screenshots"`
	Blocked       []string          `json:"blocked"`
	Errors        []string          `json:"errors"`
	Steps         []string          `json:"steps"`
	Fatal         string            `json:"fatal"`
	Failure       map[string]string `json:"failureState"`
}

func TestMapEditsGrids(t *testing.T) {
	node, chromium := browserTools(t)
	installBrowserTest(t)
	ctx := context.Background()
	db := srv.NewDB(t)
	scale := 0.1
	if v := os.Getenv("GRIDPLAN_MAP_SCALE"); v != "" {
		scale, _ = strconv.ParseFloat(v, 64)
	}
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: scale}); err != nil {
		t.Fatal(err)
	}
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	auditor := audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})},
	)
	if _, err := auditor.Run(ctx, plan, []string{audit.Coverage, audit.Balance}); err != nil {
		t.Fatal(err)
	}
	personsBefore := personsPerLevel(t, db, plan.Workspace)

	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	defer func() {
		// The server's time for each preview and commit, beside the browser's.
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "/changes") {
				t.Log(l)
			}
		}
	}()
	acc := access.New(db, log, access.Options{BcryptCost: 4})
	users := map[string][2]string{
		"planner": {"wang-planner", "planner-password-1"}, "approver": {"li-approver", "approver-password-1"},
		"viewer": {"zhao-viewer", "viewer-password-1"}, "scoped": {"chen-scoped", "scoped-password-1"},
	}
	streets := levelGrids(t, db, plan.Workspace, 1)
	sort.Strings(streets)
	scope := streets[0]
	roles := map[string]domain.Role{"planner": domain.RolePlanner, "approver": domain.RoleApprover, "viewer": domain.RoleViewer, "scoped": domain.RolePlanner}
	for k, u := range users {
		if _, err := acc.AddUser(ctx, u[0], []byte(u[1]), false); err != nil {
			t.Fatal(err)
		}
		var scopes []string
		if k == "scoped" {
			scopes = []string{scope}
		}
		if err := acc.Grant(ctx, u[0], plan, roles[k], scopes); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{Web: web.Static(), Auditor: auditor,
		Editing: editing.New(db, auditor, log, editing.Options{}), Access: acc}))
	defer ts.Close()

	shots := t.TempDir()
	if dir := os.Getenv("GRIDPLAN_SCREENSHOTS"); dir != "" {
		shots = dir
	}
	runCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, node, filepath.Join("browsertest", "edit.spec.mjs"), ts.URL, shots)
	cmd.WaitDelay = 10 * time.Second
	usersJSON, _ := json.Marshal(users)
	cmd.Env = append(os.Environ(), "CHROMIUM_PATH="+chromium, "EDIT_USERS="+string(usersJSON), "SCOPE_STREET="+scope)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("browser run took %s", time.Since(start).Round(time.Millisecond))
	var res editResult
	if err := json.Unmarshal([]byte(lastLine(stdout.String())), &res); err != nil {
		t.Fatalf("edit.spec.mjs printed no result (%v, run: %v)\nstdout:\n%s\nstderr:\n%s", err, runErr, stdout.String(), stderr.String())
	}
	t.Logf("steps %v, fixture %v", res.Steps, res.Fixture)
	names := mapsKeys(res.Screenshots)
	sort.Strings(names)
	for _, name := range names {
		t.Logf("screenshot %s: %s", name, res.Screenshots[name])
	}
	if runErr != nil || res.Fatal != "" {
		t.Fatalf("browser run failed: %v\n%s\nat %v\nerrors: %q\nlatencies %v\nstderr: %s", runErr, res.Fatal, res.Failure, res.Errors, res.Latencies, stderr.String())
	}
	if len(res.Errors) > 0 {
		t.Errorf("page errors: %q", res.Errors)
	}
	// Offline: the page made no request to another origin.
	if len(res.Blocked) > 0 {
		t.Errorf("requests to other origins (blocked): %q", res.Blocked)
	}
	if res.Lang != "zh-CN" || !strings.Contains(res.Toolbar, "微网格") || res.Labels == 0 {
		t.Errorf("interface %q, toolbar %q, %d labels (%q): want zh-CN, Chinese level names and labels", res.Lang, res.Toolbar, res.Labels, res.LabelSample)
	}

	// The preview latency, pointer release to panel rendered.
	lat := slices.Clone(res.Latencies)
	slices.Sort(lat)
	if len(lat) < 20 {
		t.Fatalf("%d preview latencies measured, want ≥ 20", len(lat))
	}
	median, p95 := lat[len(lat)/2], lat[(len(lat)*95+99)/100-1]
	t.Logf("preview latency over %d drags at scale %g: median %.0f ms, p95 %.0f ms, max %.0f ms", len(lat), scale, median, p95, lat[len(lat)-1])
	// The target is 300 ms (README); the suite guards against regressions
	// well beyond it on this shared 2-core machine and reports the figures.
	if median > 3000 {
		t.Errorf("preview latency median %.0f ms", median)
	}
	f := res.Fixture
	if !slices.Contains(res.DragPreview.Grids, f["a"]) || !slices.Contains(res.DragPreview.Grids, f["b"]) {
		t.Errorf("the drag's preview lists %v, want both %s and its neighbour %s", res.DragPreview.Grids, f["a"], f["b"])
	}
	if len(res.AfterUndo) != 3 || res.Committed == 0 || res.RefreshedTiles == 0 {
		t.Errorf("after undo %q (want 3 edits), committed revision %d, %d tiles refreshed", res.AfterUndo, res.Committed, res.RefreshedTiles)
	}
	if res.DiffPieces == 0 || len(res.DiffMoves) == 0 {
		t.Errorf("diff view: %d pieces of ground, moves %q", res.DiffPieces, res.DiffMoves)
	}
	if !res.Viewer.SideHidden || res.Viewer.VisibleTools != 0 || res.Viewer.Editing != "off" {
		t.Errorf("a viewer sees %+v, want no tools", res.Viewer)
	}
	if res.Scoped.Status != "403" || !strings.Contains(res.Scoped.Text, "不在您的管辖范围内") || !strings.Contains(res.Scoped.Text, res.Scoped.Grid) {
		t.Errorf("a planner outside the scope editing %s sees %+v, want 403 explained in Chinese", res.Scoped.Grid, res.Scoped)
	}
	if res.Published == 0 {
		t.Fatal("not published")
	}
	if res.DiscardLabel != "放弃草稿" || !strings.Contains(res.DiscardAsk, "确认放弃草稿 "+res.Discarded) || res.DiscardListed {
		t.Errorf("discarding %q on the map: button %q, then %q; still offered in the picker: %v", res.Discarded, res.DiscardLabel, res.DiscardAsk, res.DiscardListed)
	}
	var droppedState string
	var droppedWorkspace *int64
	if err := db.Pool().QueryRow(ctx, `SELECT state, ws_id FROM draft WHERE name = $1`, res.Discarded).Scan(&droppedState, &droppedWorkspace); err != nil ||
		droppedState != "discarded" || droppedWorkspace != nil {
		t.Errorf("draft %q after the discard on the map: state %q, workspace %v (%v)", res.Discarded, droppedState, droppedWorkspace, err)
	}

	// The published plan, judged through the API and PostGIS.
	plan, err = db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	gap, spill, overlap := pgtest.Tiling(t, db, plan.Workspace)
	t.Logf("published plan tiles: gap %.2g m², spill %.2g m², overlap %.2g m²", gap, spill, overlap)
	if gap > 1e-6 || spill > 1e-6 || overlap > 1e-6 {
		t.Errorf("after the edits a level does not tile: gap %g, spill %g, overlap %g m²", gap, spill, overlap)
	}
	if after := personsPerLevel(t, db, plan.Workspace); !mapsEqual(after, personsBefore) {
		t.Errorf("persons per level %v after the edits, %v before", after, personsBefore)
	}
	status := func(code string) int {
		resp, err := http.Get(ts.URL + "/api/plans/demo/grids/" + code)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status(f["c"]) != 404 || status(f["e"]) != 404 || status(f["d"]) != 200 {
		t.Errorf("published: split %s, merged-away %s, kept %s answer %d, %d, %d; want 404, 404, 200",
			f["c"], f["e"], f["d"], status(f["c"]), status(f["e"]), status(f["d"]))
	}
	var fgrid struct {
		Properties struct{ Parent string } `json:"properties"`
	}
	getJSON(t, ts.URL+"/api/plans/demo/grids/"+f["f"], &fgrid)
	if fgrid.Properties.Parent != f["p"] {
		t.Errorf("%s's parent is %s, want %s", f["f"], fgrid.Properties.Parent, f["p"])
	}
	var lineage struct {
		Lineage []store.LineageRow `json:"lineage"`
	}
	getJSON(t, ts.URL+"/api/plans/demo/lineage?format=json", &lineage)
	var split []string
	var merged, reparented bool
	for _, r := range lineage.Lineage {
		switch {
		case r.Op == "split" && r.From == f["c"]:
			split = append(split, r.To)
		case r.Op == "merge" && r.From == f["e"] && r.To == f["d"]:
			merged = true
		case r.Op == "reparent" && r.From == f["f"]:
			reparented = true
		}
	}
	if len(split) < 2 || !merged || !reparented {
		t.Errorf("lineage: split %s → %v (want ≥ 2 parts), merge %s → %s %v, reparent %s %v\n%+v",
			f["c"], split, f["e"], f["d"], merged, f["f"], reparented, lineage.Lineage)
	}
}

// personsPerLevel sums, per level, the persons of the units whose point
// lies in a tiling grid (base or carve-out) of the workspace.
func personsPerLevel(t *testing.T, db *store.DB, ws int64) map[int]int64 {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `
		SELECT g.level, sum(u.persons) FROM grid g
		  JOIN unit u ON u.plan_id = g.plan_id AND ST_Covers(g.geom, ST_PointOnSurface(u.geom))
		 WHERE g.ws_id = $1 AND (g.kind = 'base' OR g.mode = 'carve_out') GROUP BY g.level`, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var level int
		var n int64
		if err := rows.Scan(&level, &n); err != nil {
			t.Fatal(err)
		}
		out[level] = n
	}
	return out
}

func levelGrids(t *testing.T, db *store.DB, ws int64, level int) []string {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `SELECT code FROM grid WHERE ws_id = $1 AND level = $2 AND kind = 'base'`, ws, level)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func mapsKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mapsEqual(a, b map[int]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
