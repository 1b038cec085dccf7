package osmimport_test

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/osmimport"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

func opener(path string) osmimport.Opener {
	return func(string) (io.ReadCloser, error) { return os.Open(path) }
}

// andorra is the real extract the tests read (© OpenStreetMap
// contributors, ODbL 1.0), in testdata/osm.
var andorra = filepath.Join("..", "..", "testdata", "osm", "andorra.osm.pbf")

func newPlan(t *testing.T, db *store.DB, name string, srid int) domain.Plan {
	t.Helper()
	p, err := db.CreatePlan(context.Background(), domain.Plan{Name: name, SRID: srid})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportFixture stores the hand-written extract and checks the lengths
// against PostGIS's own measure of the stored metric geometry, and that
// re-importing replaces rather than duplicates.
func TestImportFixture(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := newPlan(t, db, "walk", 4547)
	path := filepath.Join("..", "..", "testdata", "osm", "walk.osm")
	for range 2 {
		s, err := osmimport.Import(ctx, db, plan, path, opener(path), osmimport.Options{Facilities: osmimport.DefaultFacilityTags()})
		if err != nil {
			t.Fatal(err)
		}
		if s.Edges != 7 || s.Nodes != 8 || s.Facilities["clinic"] != 1 || s.Facilities["primary_school"] != 1 {
			t.Fatalf("summary %+v", s)
		}
	}
	rows, err := db.Pool().Query(ctx, `SELECT id, length_m, ST_Length(geom_m), cost, reverse_cost FROM net_edge WHERE plan_id = $1`, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var length, pgLength, cost, rcost float64
	n := 0
	_, err = pgx.ForEachRow(rows, []any{&id, &length, &pgLength, &cost, &rcost}, func() error {
		n++
		if math.Abs(length-pgLength) > 1e-6 || cost != length || rcost != length {
			t.Errorf("edge %d: length %v, PostGIS %v, cost %v/%v", id, length, pgLength, cost, rcost)
		}
		if length < 80 || length > 120 {
			t.Errorf("edge %d: %v m, want about 91 or 111 m", id, length)
		}
		return nil
	})
	if err != nil || n != 7 {
		t.Fatalf("%d edges, err %v", n, err)
	}
	var facilities int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM facility WHERE plan_id = $1`, plan.ID).Scan(&facilities); err != nil || facilities != 2 {
		t.Errorf("%d facilities after two imports (err %v), want 2", facilities, err)
	}
}

func TestImportRefuses(t *testing.T) {
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := newPlan(t, db, "empty", 4547)
	path := filepath.Join(t.TempDir(), "nothing.osm")
	if err := os.WriteFile(path, []byte(`<osm version="0.6"><node id="1" lat="1" lon="1"/></osm>`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := osmimport.Import(ctx, db, plan, path, opener(path), osmimport.Options{})
	if domain.ErrorCode(err) != domain.ErrInvalid {
		t.Errorf("no walkable ways: error %v, want invalid input", err)
	}
}

// TestImportAndorra reads the real extract into a plan in EPSG:25831
// (ETRS89 / UTM 31N) and prints its figures.
func TestImportAndorra(t *testing.T) {
	if _, err := os.Stat(andorra); err != nil {
		t.Fatalf("the Andorra extract is missing (%v): it ships in testdata/osm", err)
	}
	ctx := context.Background()
	db := srv.NewDB(t)
	plan := newPlan(t, db, "andorra", 25831)
	s, err := osmimport.Import(ctx, db, plan, andorra, opener(andorra), osmimport.Options{Facilities: osmimport.DefaultFacilityTags()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Andorra: %s", s)
	t.Logf("left out: %v", s.Skipped)
	var km float64
	if err := db.Pool().QueryRow(ctx, `SELECT sum(ST_Length(geom_m)) / 1000 FROM net_edge WHERE plan_id = $1`, plan.ID).Scan(&km); err != nil {
		t.Fatal(err)
	}
	if math.Abs(km-s.WalkableKM) > 1e-6*km {
		t.Errorf("walkable km %v, PostGIS measures %v", s.WalkableKM, km)
	}
	// The extract (an old, light one: 2,725 ways) has 2,570 walkable edges
	// and ~820 km; its one school and one town hall map to the defaults.
	if s.Edges < 2000 || s.WalkableKM < 500 || s.WalkableKM > 2000 || s.Skipped["foot=no"] == 0 {
		t.Errorf("implausible network: %s, left out %v", s, s.Skipped)
	}
	if s.Facilities["primary_school"] != 1 || s.Facilities["street_service_centre"] != 1 {
		t.Errorf("facilities %v, want the one school and the one town hall", s.Facilities)
	}
}
