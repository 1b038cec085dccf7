package tiles_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/maptile"

	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

func demoServer(t *testing.T) (*httptest.Server, *store.DB, orb.Point) {
	t.Helper()
	db := srv.NewDB(t)
	if _, err := demo.Load(context.Background(), db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 0.1}); err != nil {
		t.Fatal(err)
	}
	p, err := db.Plan(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := db.Extent(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	t.Cleanup(ts.Close)
	return ts, db, b.Center()
}

func get(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestTileJSONAndEmptyTiles(t *testing.T) {
	ts, _, centre := demoServer(t)
	status, _, body := get(t, ts.URL+"/tiles/demo-level-4.json")
	var tj struct {
		Tiles  []string
		Bounds []float64
	}
	json.Unmarshal(body, &tj)
	if status != 200 || len(tj.Tiles) != 1 || len(tj.Bounds) != 4 || !regexp.MustCompile(`/tiles/demo-level-4/\{z\}/\{x\}/\{y\}\.mvt\?v=`).MatchString(tj.Tiles[0]) {
		t.Fatalf("TileJSON: %d %s", status, body)
	}
	if status, _, body := get(t, ts.URL+"/tiles/demo-level-4/10/0/0.mvt"); status != http.StatusNoContent || len(body) != 0 {
		t.Errorf("a tile far from the district: %d with %d bytes, want 204", status, len(body))
	}
	tile := maptile.At(centre, 14)
	status, h, body := get(t, fmt.Sprintf("%s/tiles/demo-level-4/14/%d/%d.mvt", ts.URL, tile.X, tile.Y))
	if status != 200 || h.Get("Content-Type") != "application/vnd.mapbox-vector-tile" || h.Get("ETag") == "" {
		t.Fatalf("centre tile: %d %s", status, h)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil || len(layers) != 1 || len(layers[0].Features) == 0 || layers[0].Features[0].Properties["code"] == nil {
		t.Errorf("centre tile decodes to %v (%v); want features with their codes at z14", layers, err)
	}
	for _, path := range []string{"/tiles/demo-level-4/15/0/99999.mvt", "/tiles/demo-level-9/1/0/0.mvt", "/tiles/demo-level-4/1/0/0.png", "/tiles/nosuch.json"} {
		if status, _, _ := get(t, ts.URL+path); status != 404 {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
	if status, _, _ := get(t, ts.URL+"/tiles/demo-level-4/1/0/0.mvt?foo=1"); status != 400 {
		t.Errorf("unknown parameter: %d, want 400", status)
	}
}

// TestGDALReadsATile opens a tile with GDAL's MVT driver.
func TestGDALReadsATile(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatalf("ogrinfo not found: install GDAL (apt-get install -y gdal-bin): %v", err)
	}
	ts, _, centre := demoServer(t)
	tile := maptile.At(centre, 13)
	_, _, body := get(t, fmt.Sprintf("%s/tiles/demo-level-4/13/%d/%d.mvt", ts.URL, tile.X, tile.Y))
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	// GDAL georeferences a lone tile from a z/x/y path.
	file := filepath.Join(t.TempDir(), "13", strconv.Itoa(int(tile.X)), strconv.Itoa(int(tile.Y))+".mvt")
	os.MkdirAll(filepath.Dir(file), 0o755)
	os.WriteFile(file, body, 0o644)
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
	if m == nil || string(m[1]) != strconv.Itoa(len(layers[0].Features)) {
		t.Errorf("GDAL reads %s; the tile holds %d features\n%s", m, len(layers[0].Features), out)
	}
}

// TestOverviewTilesShareBoundaries decodes overview tiles of level 4 and
// asks PostGIS whether the simplified base and carve-out grids (which tile
// the ground; overlay specials lie on top by design) overlap or leave
// cracks between them.
func TestOverviewTilesShareBoundaries(t *testing.T) {
	ts, db, centre := demoServer(t)
	for _, z := range []maptile.Zoom{10, 11, 12} {
		tile := maptile.At(centre, z)
		status, _, body := get(t, fmt.Sprintf("%s/tiles/demo-level-4/%d/%d/%d.mvt", ts.URL, z, tile.X, tile.Y))
		layers, err := mvt.Unmarshal(body)
		if status != 200 || err != nil || len(layers) != 1 {
			t.Fatalf("z%d: %d %v", z, status, err)
		}
		sum, union, holes, n := tileTiling(t, db, layers[0])
		if n < 50 {
			t.Fatalf("z%d: only %d grids in the tile", z, n)
		}
		t.Logf("z%d: %d grids, area %.0f units², overlap %.3f, holes %.3f", z, n, union, sum-union, holes)
		if sum-union > 1e-6*union || holes > 1e-6*union {
			t.Errorf("z%d: simplified grids overlap by %.3f units² and leave %.3f units² of cracks", z, sum-union, holes)
		}
	}
}

// tileTiling asks PostGIS how the base and carve-out grids of a decoded
// tile layer (which tile the ground; overlay specials lie on top by
// design) fit together, in tile units: the sum of their areas, the area
// of their union, the holes in the union, and how many there are.
func tileTiling(t *testing.T, db *store.DB, layer *mvt.Layer) (sum, union, holes float64, n int) {
	t.Helper()
	var polys []string
	for _, f := range layer.Features {
		if f.Properties["mode"] == "overlay" {
			continue
		}
		polys = append(polys, wkt.MarshalString(f.Geometry))
	}
	err := db.Pool().QueryRow(context.Background(), `
		WITH g AS (SELECT ST_GeomFromText(w) AS geom FROM unnest(@polys::text[]) w),
		     u AS (SELECT ST_Union(geom) AS geom FROM g),
		     parts AS (SELECT (ST_Dump(geom)).geom AS p FROM u)
		SELECT (SELECT coalesce(sum(ST_Area(geom)), 0) FROM g), (SELECT coalesce(ST_Area(geom), 0) FROM u),
		       (SELECT coalesce(sum(ST_Area(ST_MakePolygon(ST_ExteriorRing(p))) - ST_Area(p)), 0) FROM parts)`,
		pgx.NamedArgs{"polys": polys}).Scan(&sum, &union, &holes)
	if err != nil {
		t.Fatal(err)
	}
	return sum, union, holes, len(polys)
}
