package gisformat

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// A plan bundle is a GeoPackage with one layer per table of
// store.BundleTables (named after the table, its columns as they are,
// JSON columns as JSON text) and a gridplan_bundle table that says what it
// is. It opens in QGIS like any GeoPackage.
const (
	bundleMeta    = "gridplan_bundle"
	bundleFormat  = "gridplan plan bundle"
	bundleVersion = "1"
)

// WriteBundle writes everything plan planName is into a GeoPackage at path,
// built beside it and moved into place.
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
	for i, t := range store.BundleTables() {
		s, err := stage(func(fn func(*geojson.Feature) error) error {
			return db.EachBundleRow(ctx, plan.ID, t, func(r store.BundleRow) error {
				return fn(&geojson.Feature{Type: "Feature", Geometry: r.Geometry, Properties: r.Values})
			})
		}, tmp, t.Name)
		if err != nil {
			return err
		}
		// GeoPackage makes a column named id its feature id unless told another name.
		args := []string{"-nlt", "NONE", "-lco", "FID=gpkg_fid"}
		if hasGeometry(t) {
			args = []string{"-nlt", s.geometryType(), "-a_srs", "EPSG:4326", "-lco", "FID=gpkg_fid"}
		}
		if i > 0 {
			args = append(args, "-update")
		}
		if err := ogr2ogrLayer(ctx, nil, nil, "GPKG", out, s, t.Name, args...); err != nil {
			return err
		}
		tables = append(tables, t.Name)
	}
	meta, err := stage(func(fn func(*geojson.Feature) error) error {
		return fn(&geojson.Feature{Type: "Feature", Properties: geojson.Properties{
			"format": bundleFormat, "version": bundleVersion, "plan": plan.Name, "tables": strings.Join(tables, ",")}})
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
