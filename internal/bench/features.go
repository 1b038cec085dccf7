package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/ogcapi"
	"github.com/gridplan/gridplan/internal/tiles"
)

// Features compares the OGC API's level-4 GeoJSON and the vector tiles
// with the plain PostGIS queries that produce the same output.
func Features(ctx context.Context, s Setup) ([]Result, error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(url string, header ...string) (int, int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, int(n), err
	}
	var results []Result

	// The whole level 4 as one GeoJSON document.
	var refBytes int
	ref, err := Median(runs, true, func() error {
		return db.Pool().QueryRow(ctx, `SELECT length(json_build_object('type', 'FeatureCollection', 'features',
			json_agg(ST_AsGeoJSON(t.*)::json))::text) FROM (SELECT g.id, g.code, g.name, g.level, g.parent_code, g.kind, g.category,
			g.mode, g.geom FROM grid g WHERE g.plan_id = @plan AND g.level = 4) t`, pgx.NamedArgs{"plan": plan.ID}).Scan(&refBytes)
	})
	if err != nil {
		return nil, err
	}
	path := "/collections/" + plan.Name + "-level-4/items?limit=" + fmt.Sprint(ogcapi.MaxLimit)
	var size int
	cold, err := Median(runs, true, func() error {
		ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{})) // a fresh, empty response cache
		defer ts.Close()
		status, n, err := fetch(ts.URL + path)
		if status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", path, status)
		}
		size = n
		return err
	})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{}))
	defer ts.Close()
	resp, err := client.Get(ts.URL + path)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	repeat, err := Median(runs, true, func() error { _, _, err := fetch(ts.URL + path); return err })
	if err != nil {
		return nil, err
	}
	revalidate, err := Median(runs, true, func() error {
		status, _, err := fetch(ts.URL+path, "If-None-Match", etag)
		if err == nil && status != http.StatusNotModified {
			err = fmt.Errorf("revalidation: status %d, want 304", status)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	ref1 := "json_agg(ST_AsGeoJSON) in one query"
	note := fmt.Sprintf("%.1f MB full precision (reference %.1f MB, 9 decimals)", float64(size)/1e6, float64(refBytes)/1e6)
	results = append(results,
		Result{Name: "level 4 as GeoJSON, cold", RefName: ref1, Reference: ref, Measured: cold, Target: "≤ 1.0× the reference time", Note: note},
		Result{Name: "level 4 as GeoJSON, repeat", RefName: ref1, Reference: ref, Measured: repeat, Target: "≥ 10× faster", Note: "served from the response cache"},
		Result{Name: "level 4 as GeoJSON, If-None-Match", RefName: ref1, Reference: ref, Measured: revalidate, Target: "≥ 10× faster", Note: "304 Not Modified"},
	)

	// Tiles: the plan's centre at each zoom, against plain ST_AsMVT with the
	// same attributes and buffer. Layers are loaded and simplified once
	// (timed apart); tiles are then encoded on every request (no tile cache).
	b, ok, err := db.Extent(ctx, plan.ID)
	if err != nil || !ok {
		return results, err
	}
	r := chi.NewRouter()
	tsvc := tiles.New(db, log, tiles.Options{Cache: ogcapi.NewCache(-1)})
	tsvc.Routes(r)
	tt := httptest.NewServer(r)
	defer tt.Close()
	for _, z := range []maptile.Zoom{10, 11, 12, 13, 14} {
		t := maptile.At(b.Center(), z)
		url := fmt.Sprintf("%s/tiles/%s-level-4/%d/%d/%d.mvt", tt.URL, plan.Name, t.Z, t.X, t.Y)
		start := time.Now()
		if _, _, err := fetch(url); err != nil {
			return results, err
		}
		build := time.Since(start)
		var refSize int
		refTime, err := Median(runs, true, func() error {
			return db.Pool().QueryRow(ctx, `SELECT length(ST_AsMVT(t, 'l', 4096, 'geom', 'id')) FROM (
				SELECT g.id, g.code, g.name, g.level, g.parent_code AS parent, g.kind, g.category, g.mode,
				       ST_AsMVTGeom(ST_Transform(g.geom, 3857), ST_TileEnvelope(@z, @x, @y), 4096, 64, true) AS geom
				  FROM grid g WHERE g.plan_id = @plan AND g.level = 4
				   AND g.geom && ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326)) t`,
				pgx.NamedArgs{"plan": plan.ID, "z": int(t.Z), "x": int(t.X), "y": int(t.Y)}).Scan(&refSize)
		})
		if err != nil {
			return results, err
		}
		var n int
		took, err := Median(runs, true, func() error { _, size, err := fetch(url); n = size; return err })
		if err != nil {
			return results, err
		}
		target, note := "≤ 1.0× the reference time", ""
		if z <= tiles.OverviewZoom {
			note = fmt.Sprintf("%d KB vs %d KB = %.2f of its size (target ≤ 0.33)", n/1000, refSize/1000, float64(n)/float64(refSize))
		} else {
			note = fmt.Sprintf("%d KB vs %d KB", n/1000, refSize/1000)
		}
		if z < 12 {
			target = "size only"
		}
		note += fmt.Sprintf("; layer load + simplification once: %.0f ms", float64(build.Microseconds())/1000)
		results = append(results, Result{Name: fmt.Sprintf("level-4 tile z%d %d/%d", t.Z, t.X, t.Y),
			RefName: "plain ST_AsMVT", Reference: refTime, Measured: took, Target: target, Note: note})
	}
	return results, nil
}
