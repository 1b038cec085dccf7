package ogcapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/httpapi"
)

// gdal finds a GDAL command line tool, failing with what to install.
func gdal(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: the real-client test needs GDAL (apt-get install -y gdal-bin): %v", name, err)
	}
	return p
}

// TestGDALReadsTheAPI is the real-client test: GDAL's OAPIF driver lists
// the collections and ogr2ogr copies a whole level-4 layer page by page.
func TestGDALReadsTheAPI(t *testing.T) {
	ogrinfo, ogr2ogr := gdal(t, "ogrinfo"), gdal(t, "ogr2ogr")
	db := srv.NewDB(t)
	if _, err := demo.Load(context.Background(), db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 0.1}); err != nil {
		t.Fatal(err)
	}
	var pages atomic.Int64
	api := httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/demo-level-4/items") {
			pages.Add(1)
		}
		api.ServeHTTP(w, r)
	}))
	defer ts.Close()
	run := func(name string, args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	list := run(ogrinfo, "-ro", "-q", "OAPIF:"+ts.URL)
	for _, id := range []string{"demo-level-1", "demo-level-2", "demo-level-3", "demo-level-4", "demo-units", "demo-facilities", "demo-findings"} {
		if !strings.Contains(list, id) {
			t.Errorf("ogrinfo lists no %s:\n%s", id, list)
		}
	}
	var want int
	db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM grid WHERE level = 4`).Scan(&want)
	out := filepath.Join(t.TempDir(), "level4.geojson")
	run(ogr2ogr, "-f", "GeoJSON", out, "OAPIF:"+ts.URL, "demo-level-4", "-oo", "PAGE_SIZE=100")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	codes := map[any]bool{}
	for _, f := range fc.Features {
		codes[f.Properties["code"]] = true
	}
	if len(fc.Features) != want || len(codes) != want {
		t.Errorf("ogr2ogr copied %d features (%d distinct codes), the level has %d", len(fc.Features), len(codes), want)
	}
	if n := pages.Load(); n < int64(want/100) {
		t.Errorf("GDAL fetched %d pages for %d features at 100 a page: it did not page", n, want)
	}
	t.Logf("ogr2ogr copied %d level-4 grids in %d requests", len(fc.Features), pages.Load())
}
