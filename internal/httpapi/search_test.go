package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/httpapi"
)

type searchAnswer struct {
	Grids []struct {
		Code  string     `json:"code"`
		Name  string     `json:"name"`
		Level int        `json:"level"`
		BBox  [4]float64 `json:"bbox"`
	} `json:"grids"`
	Next *string `json:"next"`
}

func search(t *testing.T, url string) searchAnswer {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: status %d: %s", url, resp.StatusCode, body)
	}
	var a searchAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func codes(a searchAnswer) string {
	var c []string
	for _, g := range a.Grids {
		c = append(c, g.Code)
	}
	return strings.Join(c, ",")
}

func TestSearchGrids(t *testing.T) {
	ts, _ := newServer(t)
	base := ts.URL + "/api/plans/erqi/search?q="

	// By code prefix, coarse levels first; by name prefix (Chinese).
	if got := codes(search(t, base+"S")); got != "S1,S2" {
		t.Errorf("q=S: %s, want S1,S2", got)
	}
	a := search(t, base+"%E4%B8%80") // 一
	if got := codes(a); got != "S1,C1" {
		t.Errorf("q=一: %s, want S1 (level 1) then C1", got)
	}
	if b := a.Grids[0].BBox; b[0] < 113.5999 || b[0] > 113.6001 || b[2] < 113.6099 || b[2] > 113.6101 {
		t.Errorf("bbox of S1: %v", b)
	}
	// LIKE's wildcards in the query stand for themselves.
	if got := codes(search(t, base+"%25")); got != "" {
		t.Errorf("q=%%: %s, want nothing", got)
	}
	// Keyset pages: one at a time, then the cursor says where to go on.
	first := search(t, base+"S&limit=1")
	if codes(first) != "S1" || first.Next == nil {
		t.Fatalf("first page: %s next %v", codes(first), first.Next)
	}
	second := search(t, base+"S&limit=1&after="+*first.Next)
	if codes(second) != "S2" || second.Next != nil {
		t.Errorf("second page: %s next %v, want S2 and no next", codes(second), second.Next)
	}

	for _, bad := range []string{"", "S&limit=0", "S&limit=101", "S&after=x", "S&after=1:"} {
		resp, body := get(t, base+bad)
		if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("q=%s: status %d %s: %s, want 400 problem+json", bad, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/plans/nope/search?q=S"); resp.StatusCode != 404 {
		t.Errorf("unknown plan: %d", resp.StatusCode)
	}
}

func TestMapConfig(t *testing.T) {
	ts, db := newServer(t)
	var cfg struct {
		Basemap *httpapi.Basemap `json:"basemap"`
	}
	_, body := get(t, ts.URL+"/api/map/config")
	if err := json.Unmarshal(body, &cfg); err != nil || cfg.Basemap != nil {
		t.Errorf("default config %s: want no basemap (%v)", body, err)
	}
	bm, err := httpapi.NewBasemap("https://tiles.example/{z}/{x}/{y}.png", "gcj02", "© example")
	if err != nil {
		t.Fatal(err)
	}
	with := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{Basemap: bm}))
	defer with.Close()
	_, body = get(t, with.URL+"/api/map/config")
	if err := json.Unmarshal(body, &cfg); err != nil || cfg.Basemap == nil || *cfg.Basemap != *bm || bm.Kind != "raster" {
		t.Errorf("config %s, want %+v", body, bm)
	}
	if v, _ := httpapi.NewBasemap("/tiles/base/{z}/{x}/{y}.pbf", "", ""); v == nil || v.Kind != "vector" || v.Datum != "wgs84" {
		t.Errorf("vector basemap: %+v", v)
	}
	for _, bad := range [][2]string{{"ftp://x/{z}/{x}/{y}", "wgs84"}, {"https://x/{z}/{x}", "wgs84"}, {"https://x/{z}/{x}/{y}", "bd09"}} {
		if _, err := httpapi.NewBasemap(bad[0], bad[1], ""); err == nil {
			t.Errorf("NewBasemap(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
