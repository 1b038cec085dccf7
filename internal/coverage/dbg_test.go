package coverage

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/store"
)

func TestDebugWindows(t *testing.T) {
	dsn := os.Getenv("P3DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := db.Plan(ctx, os.Getenv("P3PLAN"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	data, err := db.CoverageData(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("load", time.Since(t0))
	st := newState(plan, data)
	var ps parentSet
	t0 = time.Now()
	var ws []window
	for _, key := range st.groupKeys() {
		ws = append(ws, st.groupWindows(key, &ps)...)
	}
	fmt.Println("groups", time.Since(t0), len(ws))
	for _, w := range ws {
		n := 0
		for _, g := range w.Tiles {
			for _, p := range g {
				for _, r := range p {
					n += len(r)
				}
			}
		}
		fmt.Printf("window group=%s box=%.1fx%.1f tiles=%d pts=%d codes=%v\n", w.group, w.Box.Max[0]-w.Box.Min[0], w.Box.Max[1]-w.Box.Min[1], len(w.Tiles), n, w.codes)
	}
	t0 = time.Now()
	codes := []string{}
	for c := range st.grids {
		codes = append(codes, c)
	}
	for _, code := range st.roots(codes) {
		st.rootCheck(code, &ps)
	}
	fmt.Println("roots", time.Since(t0))
}

func TestDebugWindowSQL(t *testing.T) {
	dsn := os.Getenv("P3DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("P3PLAN"))
	data, _ := db.CoverageData(ctx, plan.ID)
	st := newState(plan, data)
	var ps parentSet
	var ws []window
	for _, key := range st.groupKeys() {
		ws = append(ws, st.groupWindows(key, &ps)...)
	}
	w := ws[0]
	f, _ := os.Create("/tmp/p3/win.sql")
	fmt.Fprintf(f, "\\timing on\nCREATE TEMP TABLE w AS SELECT ST_GeomFromText('%s', 4547) box, ST_GeomFromText('%s', 4547) parent, ST_GeomFromText('GEOMETRYCOLLECTION(", wkt(w.Box.ToPolygon()), wkt(ps.geoms[w.Parent]))
	for i, g := range w.Tiles {
		if i > 0 {
			fmt.Fprint(f, ",")
		}
		fmt.Fprint(f, wkt(g))
	}
	fmt.Fprint(f, ")', 4547) tiles;\n")
	f.Close()
}
