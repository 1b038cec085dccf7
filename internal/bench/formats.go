package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/gisformat"
	"github.com/gridplan/gridplan/internal/store"
)

// benchRefTable is the table ogr2ogr loads as the reference import; it is
// dropped when the benchmark ends.
const benchRefTable = "bench_formats_ogr2ogr"

// Formats compares gridplan's Shapefile import and export of level 4
// with ogr2ogr doing the same conversion against the same PostGIS: a GBK
// Shapefile in EPSG:4547 loaded into a table in WGS84, and that table
// written out as a Shapefile in EPSG:4490.
func Formats(ctx context.Context, s Setup) ([]Result, error) {
	db, plan, runs := s.DB, s.Plan, s.Runs
	dir, err := os.MkdirTemp("", "gridplan-bench-formats-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	defer db.Pool().Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+benchRefTable)
	pg := pgDatasource(db)

	// The fixture: level 4 as GIS staff would have it.
	x, err := gisformat.NewExport("shp", "grids", 4, "EPSG:4547", "GBK")
	if err != nil {
		return nil, err
	}
	shp := filepath.Join(dir, "level4.shp")
	if err := x.WriteFile(ctx, db, plan, shp); err != nil {
		return nil, err
	}
	var features int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM grid WHERE ws_id = $1 AND level = 4`, plan.Workspace).Scan(&features); err != nil {
		return nil, err
	}

	// gridplan's import goes into a fresh plan holding levels 1-3, so that
	// every parent is known, as a real level-4 import has it.
	target := plan.Name + "_formats"
	var upper []domain.Grid
	err = db.EachGrid(ctx, plan.Workspace, store.GridFilter{}, func(g domain.Grid) error {
		if g.Level < 4 {
			g.Stats = nil
			upper = append(upper, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The import's one write path, as the command line takes it.
	edits := editing.New(db, nil, nil, editing.Options{})
	insert := func(db *store.DB, p domain.Plan, grids []domain.Grid, srid int) ([]store.Warning, error) {
		w, _, err := edits.ImportGrids(ctx, p, grids, srid, "bench formats")
		return w, err
	}
	defer db.DeletePlan(context.WithoutCancel(ctx), target)
	var targetPlan domain.Plan
	var read, stored []time.Duration
	out := filepath.Join(dir, "out")
	fresh := func() error {
		os.RemoveAll(out)
		return os.MkdirAll(out, 0o755)
	}
	plain, _ := gisformat.NewExport("shp", "grids", 4, "", "")
	steps := []Step{
		{Run: func() error {
			return runTool("ogr2ogr", "-f", "PostgreSQL", pg, shp, "-nln", benchRefTable, "-overwrite",
				"-t_srs", "EPSG:4326", "-nlt", "MULTIPOLYGON", "-lco", "GEOMETRY_NAME=geom")
		}},
		{Setup: func() error {
			db.DeletePlan(ctx, target)
			p, err := db.CreatePlan(ctx, domain.Plan{Name: target, SRID: plan.SRID})
			if err != nil {
				return err
			}
			targetPlan = p
			_, err = insert(db, p, upper, domain.WGS84)
			return err
		}, Run: func() error {
			start := time.Now()
			in := gisformat.Input{Path: shp, LookupCRS: gisformat.LookupCRS(ctx, db)}
			grids, crs, err := gisformat.Read(ctx, in, nil, func(src geojsonio.Source, r io.Reader) ([]domain.Grid, geojsonio.CRS, error) {
				return src.Grids(r, geojsonio.DefaultGridFields())
			})
			if err != nil {
				return err
			}
			read = append(read, time.Since(start))
			start = time.Now()
			_, err = insert(db, targetPlan, grids, crs.SRID())
			stored = append(stored, time.Since(start))
			return err
		}},
		{Setup: fresh, Run: func() error {
			return runTool("ogr2ogr", "-f", "ESRI Shapefile", filepath.Join(out, "level4.shp"), pg, benchRefTable,
				"-t_srs", "EPSG:4490", "-lco", "ENCODING=UTF-8")
		}},
		{Setup: fresh, Run: func() error { return plain.WriteFile(ctx, db, plan, filepath.Join(out, "level4.shp")) }},
	}
	if _, err := Interleaved(1, steps...); err != nil { // warm-up: caches, the reference table
		return nil, err
	}
	read, stored = nil, nil
	t, err := Interleaved(runs, steps...)
	if err != nil {
		return nil, err
	}
	refImport, ours, refExport, oursExport := t[0], t[1], t[2], t[3]
	note := fmt.Sprintf("%d features", features)
	return []Result{
		{Name: "import level 4 from a GBK Shapefile in EPSG:4547", RefName: "ogr2ogr Shapefile → PostGIS table", Reference: refImport,
			Measured: ours, Target: "≤ 1.5× the reference time", Note: note + "; gridplan also checks codes and parents and fills geom_m"},
		{Name: "  of which reading (GDAL conversion and parsing)", Measured: median(read), Note: "ogr2ogr streams GeoJSON that geojsonio parses as it comes"},
		{Name: "  of which storing (editing.ImportGrids)", Measured: median(stored), Note: "COPY, code and parent checks, validity, transform, metric copy, two GiST indexes"},
		{Name: "export level 4 as a Shapefile in EPSG:4490", RefName: "ogr2ogr PostGIS table → Shapefile", Reference: refExport,
			Measured: oursExport, Target: "≤ 1.5× the reference time", Note: note},
	}, nil
}

func median(times []time.Duration) time.Duration {
	slices.Sort(times)
	return times[len(times)/2]
}

// pgDatasource is GDAL's connection string for the store's database.
func pgDatasource(db *store.DB) string {
	c := db.Pool().Config().ConnConfig
	parts := []string{"host=" + c.Host, "port=" + strconv.Itoa(int(c.Port)), "dbname=" + c.Database, "user=" + c.User}
	if c.Password != "" {
		parts = append(parts, "password="+c.Password)
	}
	return "PG:" + strings.Join(parts, " ")
}

func runTool(tool string, args ...string) error {
	if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", tool, err, out)
	}
	return nil
}
