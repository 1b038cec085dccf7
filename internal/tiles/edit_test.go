package tiles_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

// editServer serves the scale-0.1 demo with editing, the balance check
// (so edits change grid figures too) and a draft d1.
func editServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := srv.NewDB(t)
	if _, err := demo.Load(context.Background(), db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 0.1}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := audit.New(audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{Log: log})})
	// These tests are about tiles after edits, not credentials: a request
	// without one acts as an admin of the demo.
	acc := access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	h := httpapi.New(db, log, httpapi.Options{Auditor: a, Editing: editing.New(db, a, log, editing.Options{}), Access: acc})
	ts := httptest.NewServer(pgtest.Signed(h, pgtest.AdminToken(t, db, acc)))
	t.Cleanup(ts.Close)
	resp, err := http.Post(ts.URL+"/api/plans/demo/drafts", "application/json", strings.NewReader(`{"name":"d1"}`))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create draft: %v %v", resp, err)
	}
	resp.Body.Close()
	return ts, db
}

// tileAt is the tile of zoom z over a grid's centroid, as its URL under
// the draft.
func tileAt(base string, p orb.Point, z maptile.Zoom) (maptile.Tile, string) {
	tl := maptile.At(p, z)
	return tl, fmt.Sprintf("%s/plans/demo/drafts/d1/tiles/demo-level-4/%d/%d/%d.mvt", base, z, tl.X, tl.Y)
}

func getTile(t *testing.T, url, etag string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), b
}

// TestEditRebuildsOnlyTouchedTiles merges two micro-grids of a draft: the
// answer names the grids it changed, tiles far from them keep their ETag
// (304 for a client that has them, a cache hit for the server), the tiles
// over them change, and every tile equals what a server reading the layer
// afresh makes.
func TestEditRebuildsOnlyTouchedTiles(t *testing.T) {
	ts, db := editServer(t)
	ctx := context.Background()
	var a, b string
	var at, far orb.Point
	err := db.Pool().QueryRow(ctx, `
		WITH d AS (SELECT d.ws_id FROM draft d WHERE d.name = 'd1')
		SELECT x.code, y.code, ST_X(ST_Centroid(x.geom)), ST_Y(ST_Centroid(x.geom)),
		       (SELECT ST_X(ST_Centroid(z.geom)) FROM grid z, d WHERE z.ws_id = d.ws_id AND z.level = 4 ORDER BY z.geom <-> x.geom DESC LIMIT 1),
		       (SELECT ST_Y(ST_Centroid(z.geom)) FROM grid z, d WHERE z.ws_id = d.ws_id AND z.level = 4 ORDER BY z.geom <-> x.geom DESC LIMIT 1)
		  FROM grid x JOIN grid y ON y.ws_id = x.ws_id AND y.level = 4 AND y.kind = 'base' AND y.parent_code = x.parent_code
		       AND y.code > x.code AND ST_Length(ST_Intersection(ST_Boundary(x.geom_m), ST_Boundary(y.geom_m))) > 20, d
		 WHERE x.ws_id = d.ws_id AND x.level = 4 AND x.kind = 'base' ORDER BY x.code LIMIT 1`).Scan(&a, &b, &at[0], &at[1], &far[0], &far[1])
	if err != nil {
		t.Fatal(err)
	}
	// The draft's figures are computed once, as the map's audit does, so
	// that what the edit changes is only what it touches.
	if status, _, body := get(t, ts.URL+"/api/plans/demo/audit?checks=balance&draft=d1"); status != 200 {
		t.Fatalf("audit the draft: %d %s", status, body)
	}
	near14, nearURL := tileAt(ts.URL, at, 14)
	_, farURL := tileAt(ts.URL, far, 14)
	before := map[string]string{}
	var urls []string
	for _, z := range []maptile.Zoom{10, 11, 12, 14} {
		_, u := tileAt(ts.URL, at, z)
		urls = append(urls, u)
	}
	urls = append(urls, farURL)
	for _, u := range urls {
		status, etag, _ := getTile(t, u, "")
		if status != 200 {
			t.Fatalf("%s: %d", u, status)
		}
		before[u] = etag
	}

	var draft struct{ Version int64 }
	_, _, resp := get(t, ts.URL+"/api/plans/demo/drafts/d1")
	json.Unmarshal(resp, &draft)
	body := fmt.Sprintf(`{"base":%d,"ops":[{"op":"merge","grids":[%q,%q]}]}`, draft.Version, a, b)
	r, err := http.Post(ts.URL+"/api/plans/demo/drafts/d1/changes", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Changed []string }
	json.NewDecoder(r.Body).Decode(&res)
	r.Body.Close()
	if r.StatusCode != 200 || !slices.Contains(res.Changed, a) || !slices.Contains(res.Changed, b) {
		t.Fatalf("merge %s and %s: %d, changed %v", a, b, r.StatusCode, res.Changed)
	}

	if status, _, _ := getTile(t, farURL, before[farURL]); status != http.StatusNotModified {
		t.Errorf("a tile far from the edit: %d, want 304 (its ETag still holds)", status)
	}
	status, etag, tile := getTile(t, nearURL, before[nearURL])
	if status != 200 || etag == before[nearURL] {
		t.Fatalf("the tile over the merged grids: %d, ETag %s (was %s)", status, etag, before[nearURL])
	}
	ids := featureCodes(t, tile)
	merged := slices.ContainsFunc(res.Changed, func(c string) bool { return ids[c] })
	if ids[a] && ids[b] || !merged {
		t.Errorf("tile %v after the merge: codes %v, changed %v", near14, ids, res.Changed)
	}
	// A server that reads the layer afresh makes the same tiles.
	fresh := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	defer fresh.Close()
	for _, u := range urls {
		_, _, kept := getTile(t, u, "")
		_, _, made := getTile(t, strings.Replace(u, ts.URL, fresh.URL, 1), "")
		if !sameTile(t, kept, made) {
			t.Errorf("%s: the tile kept up to date differs from one made afresh", strings.TrimPrefix(u, ts.URL))
		}
	}
}

// featureCodes lists the grid codes in a level-4 tile.
func featureCodes(t *testing.T, body []byte) map[string]bool {
	t.Helper()
	layers, err := mvt.Unmarshal(body)
	if err != nil || len(layers) != 1 {
		t.Fatalf("tile: %v", err)
	}
	out := map[string]bool{}
	for _, f := range layers[0].Features {
		if c, ok := f.Properties["code"].(string); ok {
			out[c] = true
		}
	}
	return out
}

// sameTile compares two tiles feature by feature, ignoring order.
func sameTile(t *testing.T, a, b []byte) bool {
	t.Helper()
	la, err1 := mvt.Unmarshal(a)
	lb, err2 := mvt.Unmarshal(b)
	if err1 != nil || err2 != nil || len(la) != len(lb) {
		return false
	}
	for k := range la {
		if len(la[k].Features) != len(lb[k].Features) {
			return false
		}
		byID := map[any]orb.Geometry{}
		for _, f := range la[k].Features {
			byID[f.ID] = f.Geometry
		}
		for _, f := range lb[k].Features {
			g, ok := byID[f.ID]
			if !ok || !orb.Equal(g, f.Geometry) {
				return false
			}
		}
	}
	return true
}

// TestTwoServersAgree: two servers on one database, each with its own
// caches (two `gridplan serve` processes behind one address). What one
// edits, the other shows at once — the grid, an items page and the tile
// over it — because every cache is keyed by the data's version.
func TestTwoServersAgree(t *testing.T) {
	one, db := editServer(t)
	two := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	defer two.Close()
	ctx := context.Background()
	var code string
	var id int64
	var at orb.Point
	err := db.Pool().QueryRow(ctx, `SELECT g.code, g.id, ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom))
		FROM grid g JOIN workspace w ON w.id = g.ws_id AND w.kind = 'published'
		WHERE g.level = 4 ORDER BY g.code LIMIT 1`).Scan(&code, &id, &at[0], &at[1])
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(at, 14)
	paths := []string{"/api/plans/demo/grids/" + code, fmt.Sprintf("/collections/demo-level-4/items/%d", id),
		fmt.Sprintf("/collections/demo-level-4/items?limit=10&after=%d", id-1),
		fmt.Sprintf("/tiles/demo-level-4/14/%d/%d.mvt", tl.X, tl.Y)}
	for _, p := range paths { // the second server has them all cached
		for range 2 {
			if status, _, _ := getTile(t, two.URL+p, ""); status != 200 {
				t.Fatalf("%s: %d", p, status)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPut, one.URL+"/api/plans/demo/grids/"+code,
		strings.NewReader(`{"type":"Feature","properties":{"name":"renamed on one"},"geometry":null}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("edit through the first server: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, p := range paths {
		status, _, body := getTile(t, two.URL+p, "")
		shows := strings.Contains(string(body), "renamed on one")
		if strings.HasPrefix(p, "/tiles/") {
			layers, err := mvt.Unmarshal(body)
			shows = err == nil && len(layers) == 1 && slices.ContainsFunc(layers[0].Features, func(f *geojson.Feature) bool {
				return f.Properties["name"] == "renamed on one"
			})
		}
		if status != 200 || !shows {
			t.Errorf("%s through the second server right after the edit: %d, the new name shown %v", p, status, shows)
		}
	}
}
