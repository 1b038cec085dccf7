package web_test

// The browser test: a real PostGIS holds a fixture plan, the real HTTP API
// serves it with the embedded map, and Debian's Chromium, driven by
// browsertest/map.spec.mjs through playwright-core, proves the map draws the
// grids. It needs node/npm and /usr/bin/chromium and fails (never skips)
// without them.

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/web"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// specResult is the JSON line map.spec.mjs prints.
type specResult struct {
	WebGL       string            `json:"webgl"`
	Level1      *levelResult      `json:"level1"`
	Level3      *levelResult      `json:"level3"`
	Level4      *levelResult      `json:"level4"`
	Popup       *popupResult      `json:"popup"`
	Screenshots map[string]string `json:"screenshots"`
	Errors      []string          `json:"errors"`
	Console     []string          `json:"console"`
	Fatal       string            `json:"fatal"`
}

type levelResult struct {
	Level    int     `json:"level"`
	Features int     `json:"features"` // grids the page loaded (data-features)
	Rendered int     `json:"rendered"` // distinct grids MapLibre drew in the fill layers
	Ink      float64 `json:"ink"`      // share of canvas pixels that are not background
	Status   string  `json:"status"`
	MS       int64   `json:"ms"`
	// The balance choropleth (balance.js): on, and colouring every base grid.
	Balance      string `json:"balance"`
	BalanceGrids int    `json:"balanceGrids"`
	Source       string `json:"source"` // type of the source the grid layers draw: geojson or vector
}

type popupResult struct {
	Expected string   `json:"expected"` // code MapLibre finds under the clicked point
	Code     string   `json:"code"`     // code the popup shows
	Fields   []string `json:"fields"`
}

func TestMapDrawsGrids(t *testing.T) {
	node, chromium := browserTools(t)
	installBrowserTest(t)

	ctx := context.Background()
	db := srv.NewDB(t)
	plan, err := loadFixture(ctx, db)
	if err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	want := gridCounts(t, db, plan)
	wantBase := auditBalance(t, db, plan)

	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{Web: web.Static()}))
	defer ts.Close()
	defer func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	}()

	shots := t.TempDir()
	if dir := os.Getenv("GRIDPLAN_SCREENSHOTS"); dir != "" {
		shots = dir // keep the screenshots after the test
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The script gives up by itself after 150 s; this is the backstop.
	runCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, node, filepath.Join("browsertest", "map.spec.mjs"), ts.URL, shots)
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), "CHROMIUM_PATH="+chromium)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("browser run took %s", time.Since(start).Round(time.Millisecond))

	var res specResult
	line := lastLine(stdout.String())
	if err := json.Unmarshal([]byte(line), &res); err != nil {
		t.Fatalf("map.spec.mjs printed no result (%v, run: %v)\nstdout:\n%s\nstderr:\n%s", err, runErr, stdout.String(), stderr.String())
	}
	t.Logf("WebGL renderer: %s", res.WebGL)
	for _, name := range slices.Sorted(maps.Keys(res.Screenshots)) {
		t.Logf("screenshot %s: %s", name, res.Screenshots[name])
	}
	if runErr != nil || res.Fatal != "" {
		t.Fatalf("browser run failed: %v\n%s\nstderr:\n%s\nconsole: %q\nerrors: %q", runErr, res.Fatal, stderr.String(), res.Console, res.Errors)
	}
	if len(res.Errors) > 0 {
		t.Errorf("page errors: %q", res.Errors)
	}
	if len(res.Console) > 0 {
		t.Logf("console: %q", res.Console)
	}

	// Fitting to the plan's bounding box puts every grid in view, so each one
	// loaded must have been drawn.
	l1, l3 := res.Level1, res.Level3
	t.Logf("level 1: %+v", *l1)
	t.Logf("level 3: %+v", *l3)
	if l1.Features != want[1] || l3.Features != want[3] {
		t.Errorf("loaded %d level-1 and %d level-3 grids, the plan has %d and %d", l1.Features, l3.Features, want[1], want[3])
	}
	if l1.Rendered < want[1] {
		t.Errorf("level 1: %d grids rendered, want all %d in view", l1.Rendered, want[1])
	}
	if l3.Rendered < want[3] || l3.Rendered <= l1.Rendered {
		t.Errorf("level 3: %d grids rendered, want all %d in view and more than level 1's %d", l3.Rendered, want[3], l1.Rendered)
	}
	// The grids cover most of the fitted view; a blank or failed WebGL canvas is all background.
	const minInk = 0.2
	if l1.Ink < minInk || l3.Ink < minInk {
		t.Errorf("canvas mostly background: %.2f at level 1, %.2f at level 3, want ≥ %.2f", l1.Ink, l3.Ink, minInk)
	}
	if l1.Balance != "on" || l1.BalanceGrids != wantBase[1] || l3.BalanceGrids != wantBase[3] {
		t.Errorf("balance choropleth %q colours %d level-1 and %d level-3 grids, want on and %d and %d base grids",
			l1.Balance, l1.BalanceGrids, l3.BalanceGrids, wantBase[1], wantBase[3])
	}
	// Levels 3 and 4 come from vector tiles, and every grid still shows.
	l4 := res.Level4
	if l4 == nil {
		t.Fatal("level 4 not measured")
	}
	t.Logf("level 4: %+v", *l4)
	if l1.Source != "geojson" || l3.Source != "vector" || l4.Source != "vector" {
		t.Errorf("grid sources: level 1 %q, level 3 %q, level 4 %q; want geojson, vector, vector", l1.Source, l3.Source, l4.Source)
	}
	if l4.Features != want[4] || l4.Rendered < want[4] || l4.Ink < minInk {
		t.Errorf("level 4 from tiles: %d grids counted, %d rendered, ink %.2f; the plan has %d", l4.Features, l4.Rendered, l4.Ink, want[4])
	}
	if l4.BalanceGrids != wantBase[4] {
		t.Errorf("balance choropleth colours %d level-4 grids from tiles, want %d", l4.BalanceGrids, wantBase[4])
	}
	p := res.Popup
	if p == nil {
		t.Fatal("no popup measured")
	}
	if p.Code == "" || p.Code != p.Expected {
		t.Errorf("popup after a click shows code %q, want the clicked grid's %q", p.Code, p.Expected)
	}
	for _, f := range []string{"code", "name", "level", "parent", "kind", "category", "mode"} {
		if !slices.Contains(p.Fields, f) {
			t.Errorf("popup lists %q, missing %q", p.Fields, f)
		}
	}
}

// browserTools finds node and Chromium, failing with what to install.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found: the browser test needs Node.js ≥ 18 and npm (%v)", err)
	}
	chromium = os.Getenv("GRIDPLAN_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium not found (%v): apt-get install -y chromium, or set GRIDPLAN_CHROMIUM", err)
	}
	return node, chromium
}

// installBrowserTest runs npm ci in browsertest/ when playwright-core is not
// installed there yet (node_modules is not committed).
func installBrowserTest(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("browsertest", "node_modules", "playwright-core", "package.json")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm not found: the browser test installs playwright-core with it (%v)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = "browsertest"
	// playwright-core downloads no browser; this only makes sure of it.
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in web/browsertest: %v\n%s", err, out)
	}
}

// gridCounts counts the plan's grids per level, base and special together.
func gridCounts(t *testing.T, db *store.DB, plan string) map[int]int {
	t.Helper()
	ctx := context.Background()
	p, err := db.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Count(ctx, p.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	n := map[int]int{}
	for _, l := range c.Levels {
		n[l.Level] += l.Grids
	}
	if n[1] == 0 || n[3] <= n[1] {
		t.Fatalf("fixture needs level-1 grids and more level-3 ones: %v", n)
	}
	return n
}

// auditBalance runs the balance audit, which stores the figures the map
// colours grids by, and returns the base grids per level.
func auditBalance(t *testing.T, db *store.DB, plan string) map[int]int {
	t.Helper()
	ctx := context.Background()
	p, err := db.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := balance.New(db, balance.Options{}).Check(ctx, p); err != nil {
		t.Fatal(err)
	}
	c, err := db.Count(ctx, p.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	n := map[int]int{}
	for _, l := range c.Levels {
		if l.Kind == "base" {
			n[l.Level] += l.Grids
		}
	}
	return n
}

// loadFixture stores the demo district at scale 0.1 (about 1,700 grids of
// every level and kind), the data the map is built for.
func loadFixture(ctx context.Context, db *store.DB) (string, error) {
	const plan = "demo"
	_, err := demo.Load(ctx, db, demo.LoadOptions{Plan: plan, Seed: 1, Scale: 0.1})
	return plan, err
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// lockedBuffer collects the server's log from its goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
