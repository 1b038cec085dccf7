package balance

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
	"time"

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
