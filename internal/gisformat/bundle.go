package gisformat

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// A plan bundle is a GeoPackage with one layer per table of
// store.BundleTables (named after the table, its columns as they are,
// JSON columns as JSON text) and a gridplan_bundle table that says what it
// is and which version of the format it follows. It opens in QGIS like any
// GeoPackage.
const (
	bundleMeta   = "gridplan_bundle"
	bundleFormat = "gridplan plan bundle"
)

// WriteBundle writes everything plan planName is into a GeoPackage at path,
// built beside it and moved into place. Every table is read from one
// snapshot of the database, so the history in the file holds together.
func WriteBundle(ctx context.Context, db *store.DB, planName, path string) error {
	plan, err := db.Plan(ctx, planName)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".gridplan-bundle-")
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "--bundle %s: %v", path, err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bundle.gpkg")
	var tables []string
	err = db.ReadBundle(ctx, plan.ID, func(read store.BundleReader) error {
		for i, t := range store.BundleTables() {
			s, err := stage(func(fn func(*geojson.Feature) error) error {
				return read(t, func(r store.BundleRow) error {
					return fn(&geojson.Feature{Type: "Feature", Geometry: r.Geometry, Properties: r.Values})
				})
			}, tmp, t.Name)
			if err != nil {
				return err
			}
			// GeoPackage makes a column named id its feature id unless told
			// another name; GDAL would read times (revisions', drafts') as
			// its own date type, to the millisecond, unless told to keep text.
			args := []string{"-lco", "FID=gpkg_fid", "-oo", "DATE_AS_STRING=YES", "-nlt", "NONE"}
			if hasGeometry(t) {
				args = append(args[:len(args)-1], s.geometryType(), "-a_srs", "EPSG:4326")
			}
			if i > 0 {
				args = append(args, "-update")
			}
			if err := ogr2ogrLayer(ctx, nil, nil, "GPKG", out, s, t.Name, args...); err != nil {
				return err
			}
			tables = append(tables, t.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	meta, err := stage(func(fn func(*geojson.Feature) error) error {
		return fn(&geojson.Feature{Type: "Feature", Properties: geojson.Properties{
			"format": bundleFormat, "version": strconv.Itoa(store.BundleVersion), "plan": plan.Name,
			"tables": strings.Join(tables, ",")}})
	}, tmp, bundleMeta)
	if err != nil {
		return err
	}
	if err := ogr2ogrLayer(ctx, nil, nil, "GPKG", out, meta, bundleMeta, "-nlt", "NONE", "-update"); err != nil {
		return err
	}
	return os.Rename(out, path)
}

func hasGeometry(t store.BundleTable) bool {
	for _, c := range t.Columns {
		if c.Geometry {
			return true
		}
	}
	return false
}
