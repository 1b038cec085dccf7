package gisformat

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// Shapefiles, GeoPackages and CSV are written by GDAL: each layer is staged
// in a temporary directory, as GeoJSON (gridplan's own writer, every digit
// kept) or as CSV for the flat outputs (stagecsv.go), and converted by
// ogr2ogr, which also transforms WGS84 to the output CRS with PROJ.

// staged is a layer written out for ogr2ogr.
type staged struct {
	path                    string
	count                   int
	points, lines, polygons bool // the geometry kinds seen
}

// geometryType is the ogr2ogr -nlt of a staged layer: a fixed type when
// all its geometries are of one kind, so that even an empty layer gets
// it, else any geometry.
func (s staged) geometryType() string {
	switch n := btoi(s.points) + btoi(s.lines) + btoi(s.polygons); {
	case n > 1:
		return "GEOMETRY"
	case s.points:
		return "POINT"
	case s.lines:
		return "LINESTRING"
	}
	return "MULTIPOLYGON"
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// features is a stream of features to stage.
type features func(fn func(*geojson.Feature) error) error

// stage writes features as GeoJSON to dir/name.geojson.
func stage(each features, dir, name string) (staged, error) {
	s := staged{path: filepath.Join(dir, name+".geojson")}
	f, err := os.Create(s.path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	out := geojsonio.NewWriter(f)
	err = each(func(ft *geojson.Feature) error {
		s.note(ft.Geometry)
		s.count++
		return out.Write(ft)
	})
	if err != nil {
		return s, err
	}
	if err := out.Close(); err != nil {
		return s, err
	}
	return s, f.Close()
}

// layerFeatures streams one layer of an export for staging.
func layerFeatures(ctx context.Context, db *store.DB, plan domain.Plan, l layer) features {
	return func(fn func(*geojson.Feature) error) error { return eachFeature(ctx, db, plan, l, fn) }
}

// csvInput are ogr2ogr's options for reading a CSV staged layer: the WKT
// column is the geometry, not an attribute.
func csvInput() []string { return []string{"-oo", "KEEP_GEOM_COLUMNS=NO"} }

// checkedSRID is the output CRS, refused when PROJ's database (which
// PostGIS and GDAL share) does not know it.
func (x Export) checkedSRID(ctx context.Context, db *store.DB, plan domain.Plan) (int, error) {
	srid := x.srid(plan)
	if srid != domain.WGS84 {
		if _, err := db.SpatialRef(ctx, srid); err != nil {
			return 0, domain.Errorf(domain.ErrInvalid, "--crs: %s", domain.ErrorMessage(err))
		}
	}
	return srid, nil
}

// ogr2ogr converts a staged layer into the output, transforming from WGS84.
func (x Export) ogr2ogr(ctx context.Context, stdout io.Writer, driver, out string, s staged, name string, srid int, extra ...string) error {
	crs := []string{"-s_srs", "EPSG:4326", "-t_srs", "EPSG:" + strconv.Itoa(srid)}
	if srid == cgcs2000 || srid == domain.WGS84 {
		// PROJ converts WGS84 to CGCS2000 by the identity (no datum shift
		// is defined between them): assigning the CRS gives the same
		// digits without the cost of transforming every vertex.
		crs = []string{"-a_srs", "EPSG:" + strconv.Itoa(srid)}
	}
	return ogr2ogrLayer(ctx, stdout, x.Notes, driver, out, s, name, append(crs, extra...)...)
}

// ogr2ogrLayer converts a staged layer into a layer of the output.
func ogr2ogrLayer(ctx context.Context, stdout, notes io.Writer, driver, out string, s staged, name string, extra ...string) error {
	args := []string{"-f", driver, out, s.path, "-nln", name}
	cmd, stderr, err := command(ctx, "ogr2ogr", append(args, extra...)...)
	if err != nil {
		return err
	}
	cmd.Stdout = stdout
	if err := finished("ogr2ogr", cmd.Run(), stderr, notes); err != nil {
		return fmt.Errorf("write layer %s: %w", name, err)
	}
	return nil
}

// build writes the Shapefile (named base) or GeoPackage into dir and
// returns the files made.
func (x Export) build(ctx context.Context, db *store.DB, plan domain.Plan, dir, base string) ([]string, error) {
	layers, err := x.layers(ctx, db, plan)
	if err != nil {
		return nil, err
	}
	srid, err := x.checkedSRID(ctx, db, plan)
	if err != nil {
		return nil, err
	}
	stageDir, err := os.MkdirTemp(dir, "stage-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stageDir)
	if x.Format == Shapefile {
		return x.buildShapefile(ctx, db, plan, layers[0], stageDir, filepath.Join(dir, base), srid)
	}
	out := filepath.Join(dir, base+".gpkg")
	created := false
	for _, l := range layers {
		s, err := stage(layerFeatures(ctx, db, plan, l), stageDir, l.name)
		if err != nil {
			return nil, err
		}
		if s.count == 0 && l.what != "grids" {
			continue // a GeoPackage lists the layers a plan has
		}
		extra := []string{"-nlt", s.geometryType()}
		if created {
			extra = append(extra, "-update")
		}
		if err := x.ogr2ogr(ctx, nil, "GPKG", out, s, l.name, srid, extra...); err != nil {
			return nil, err
		}
		created = true
	}
	return []string{out}, nil
}

// buildShapefile writes one layer as base.shp with its .shx, .dbf, .prj,
// .cpg and, when a field name had to be shortened, the names sidecar.
func (x Export) buildShapefile(ctx context.Context, db *store.DB, plan domain.Plan, l layer, stageDir, base string, srid int) ([]string, error) {
	names := newDBFNames(x.Encoding)
	s, err := stageCSV(layerFeatures(ctx, db, plan, l), stageDir, l.name, names)
	if err != nil {
		return nil, err
	}
	if s.points && s.polygons {
		return nil, domain.Errorf(domain.ErrInvalid, "the plan's %s mix points and polygons, which one Shapefile cannot hold; "+
			"export them with --format gpkg", l.what)
	}
	err = x.ogr2ogr(ctx, nil, "ESRI Shapefile", base+".shp", s, filepath.Base(base), srid,
		append(csvInput(), "-nlt", s.geometryType(), "-lco", "ENCODING="+x.Encoding)...)
	if err != nil {
		return nil, err
	}
	if err := names.writeSidecar(base); err != nil {
		return nil, err
	}
	return filepath.Glob(base + ".*")
}

// writeFiles writes a Shapefile or GeoPackage to path, built beside it and
// moved into place, so a failed export leaves no half-written files.
func (x Export) writeFiles(ctx context.Context, db *store.DB, plan domain.Plan, path string) error {
	dir, base := filepath.Dir(path), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		layers, err := x.layers(ctx, db, plan)
		if err != nil {
			return err
		}
		dir, base = path, layers[0].name
		if x.Format == GeoPackage {
			base = plan.Name
		}
	} else if want := "." + string(x.Format); x.Format == Shapefile && filepath.Ext(path) != want {
		return domain.Errorf(domain.ErrInvalid, "-o %s: give a .shp file or an existing directory", path)
	}
	tmp, err := os.MkdirTemp(dir, ".gridplan-export-")
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "-o %s: %v", path, errors.Unwrap(err))
	}
	defer os.RemoveAll(tmp)
	files, err := x.build(ctx, db, plan, tmp, base)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.Rename(f, filepath.Join(dir, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

// writeArchive writes a GeoPackage, or a Shapefile's files zipped, to w.
func (x Export) writeArchive(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	tmp, err := os.MkdirTemp("", "gridplan-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	base := strings.TrimSuffix(strings.TrimSuffix(x.FileName(plan), ".zip"), "."+string(x.Format))
	files, err := x.build(ctx, db, plan, tmp, base)
	if err != nil {
		return err
	}
	if x.Format == GeoPackage {
		return copyFile(w, files[0])
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		part, err := zw.Create(filepath.Base(f))
		if err != nil {
			return err
		}
		if err := copyFile(part, f); err != nil {
			return err
		}
	}
	return zw.Close()
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// writeCSV writes one layer as CSV with a WKT geometry column, with a
// byte order mark so that spreadsheet programs read the Chinese text as
// UTF-8, and every digit of every coordinate.
func (x Export) writeCSV(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	layers, err := x.layers(ctx, db, plan)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "gridplan-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	srid, err := x.checkedSRID(ctx, db, plan)
	if err != nil {
		return err
	}
	s, err := stageCSV(layerFeatures(ctx, db, plan, layers[0]), tmp, layers[0].name, nil)
	if err != nil {
		return err
	}
	return x.ogr2ogr(ctx, w, "CSV", "/vsistdout/", s, layers[0].name, srid, append(csvInput(),
		"-lco", "GEOMETRY=AS_WKT", "-lco", "WRITE_BOM=YES", "--config", "OGR_WKT_PRECISION", "17")...)
}
