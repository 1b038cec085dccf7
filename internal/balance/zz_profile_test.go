package balance

import (
	"context"
	"os"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/store"
)

func TestZZProfile(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create("/tmp/gpbal/cpu.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	for range 3 {
		c := New(db, Options{})
		start := time.Now()
		m, err := load(ctx, db, plan)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("load %v", time.Since(start))
		ps := &planState{m: m, places: map[int64]store.BalanceUnitPlace{}}
		s := time.Now()
		un, _ := m.unassignedRows(ctx, db, ps.places)
		f := m.findings(un)
		t.Logf("findings %v", time.Since(s))
		s = time.Now()
		if _, err := m.persist(ctx, db, nil, f); err != nil {
			t.Fatal(err)
		}
		t.Logf("persist %v", time.Since(s))
		s = time.Now()
		m.section(un)
		t.Logf("section %v", time.Since(s))
		s = time.Now()
		m.recount()
		t.Logf("recount %v", time.Since(s))
		_ = c
	}
}

func TestZZRead(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	for range 3 {
		s := time.Now()
		var ng, nu int
		var last time.Time
		_, err := db.ReadBalance(ctx, plan.ID, store.BalanceSource{
			Grid: func(store.BalanceGrid) error { ng++; last = time.Now(); return nil },
			Unit: func(store.BalanceUnit) error { nu++; return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("read %v (grids done at %v) %d %d", time.Since(s), last.Sub(s), ng, nu)
		s = time.Now()
		_, _, err = db.BalanceWritten(ctx, plan.ID)
		t.Logf("written %v", time.Since(s))
	}
}

func TestZZUnits(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	db.Pool().Exec(ctx, "SET max_parallel_workers_per_gather = 0")
	for _, q := range []string{
		`SELECT id, persons, households, ST_X(geom_m), ST_Y(geom_m) FROM unit WHERE plan_id = $1`,
		`SELECT id, persons, households, geom_m FROM unit WHERE plan_id = $1`,
		`SELECT id, persons, households, ST_AsBinary(geom_m) FROM unit WHERE plan_id = $1`,
		`SELECT id, persons, households, ST_X(geom_m), ST_Y(geom_m) FROM unit WHERE plan_id = $1 AND GeometryType(geom_m) = 'POINT'`,
		`SELECT id, persons, households, 0::float8, ST_X(p), ST_Y(p) FROM (SELECT id, persons, households, CASE WHEN ST_Dimension(geom_m) = 0 THEN geom_m ELSE ST_PointOnSurface(geom_m) END p FROM unit WHERE plan_id = $1) u`,
		`SELECT id, persons, households, area, ST_X(p), ST_Y(p) FROM (
			       SELECT id, persons, households,
			              CASE WHEN ST_Dimension(geom_m) = 0 THEN geom_m ELSE ST_PointOnSurface(geom_m) END AS p,
			              CASE WHEN ST_Dimension(geom_m) = 0 THEN 0 ELSE ST_Area(geom_m) END AS area
			         FROM unit WHERE plan_id = $1) u`,
	} {
		for range 3 {
			s := time.Now()
			rows, err := db.Pool().Query(ctx, q, plan.ID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			t.Logf("%v %d", time.Since(s), n)
		}
	}
}

func TestZZCheck(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	f, _ := os.Create("/tmp/gpbal/cpu2.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	for range 7 {
		s := time.Now()
		c := New(db, Options{})
		if _, err := c.Check(ctx, plan); err != nil {
			t.Fatal(err)
		}
		t.Logf("check %v", time.Since(s))
	}
}

func TestZZBench(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	rs, err := benchPlan(ctx, db, plan, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		t.Logf("%s: ref %v, measured %v, %.1fx", r.Name, r.Reference, r.Measured, r.Speedup())
	}
}

func TestZZLocator(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	m, err := load(ctx, db, plan)
	if err != nil {
		t.Fatal(err)
	}
	for n, lv := range m.lv {
		geoms := make([]orb.MultiPolygon, len(lv.slots))
		for i, gi := range lv.slots {
			geoms[i] = m.grids[gi].Geometry
		}
		s := time.Now()
		var l *geo.PointLocator
		for range 5 {
			l = geo.NewPointLocator(geoms)
		}
		build := time.Since(s) / 5
		s = time.Now()
		var buf []int
		for _, p := range m.units.pts {
			buf = l.Containing(p, buf[:0])
		}
		q := time.Since(s)
		s = time.Now()
		for u := range m.units.pts {
			buf = m.place(lv, int32(u), buf)
		}
		t.Logf("level %d: build %v, %d queries %v, place %v", n, build, len(m.units.pts), q, time.Since(s))
	}
	s := time.Now()
	m.recount()
	t.Logf("recount %v", time.Since(s))
}

func TestZZSection(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	m, _ := load(ctx, db, plan)
	f, _ := os.Create("/tmp/gpbal/cpu3.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	for range 20 {
		m.shared = map[[2]int32]float64{}
		m.section(nil)
	}
}


func TestZZPhases(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	for range 6 {
		t0 := time.Now()
		m, err := read(ctx, db, plan)
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		m.units.buckets = geo.NewPointBuckets(m.units.pts, 16)
		t2 := time.Now()
		var wg sync.WaitGroup
		for _, lv := range m.lv {
			wg.Go(func() { m.placeLevel(lv) })
		}
		wg.Wait()
		t3 := time.Now()
		m.derive()
		w, _ := readWritten(ctx, db, plan.ID)
		t4 := time.Now()
		un, _ := m.unassignedRows(ctx, db, map[int64]store.BalanceUnitPlace{})
		f := m.findings(un)
		t5 := time.Now()
		m.persist(ctx, db, w, f)
		t6 := time.Now()
		m.section(un)
		t7 := time.Now()
		t.Logf("read %v buckets %v place %v written %v findings %v persist %v section %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4), t6.Sub(t5), t7.Sub(t6))
	}
}

func TestZZDecode(t *testing.T) {
	dsn := os.Getenv("GP_PROFILE_DSN")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	db, _ := store.Open(ctx, dsn, store.Options{})
	plan, _ := db.Plan(ctx, os.Getenv("GP_PROFILE_PLAN"))
	for range 3 {
		s := time.Now()
		rows, _ := db.Pool().Query(ctx, `SELECT ST_AsBinary(geom_m) FROM grid WHERE plan_id = $1`, plan.ID)
		var bs [][]byte
		for rows.Next() {
			var b []byte
			rows.Scan(&b)
			bs = append(bs, b)
		}
		rows.Close()
		q := time.Since(s)
		s = time.Now()
		for _, b := range bs {
			wkb.Unmarshal(b)
		}
		t.Logf("query %v decode %v", q, time.Since(s))
		s = time.Now()
		rows, _ = db.Pool().Query(ctx, `SELECT code, name, level, coalesce(parent_code, ''), kind, coalesce(mode, ''), category FROM grid WHERE plan_id = $1`, plan.ID)
		for rows.Next() {
		}
		rows.Close()
		t.Logf("attrs %v", time.Since(s))
	}
}
