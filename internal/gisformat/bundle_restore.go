package gisformat

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// Insert writes features an import read into a plan, in the CRS srid, in
// one transaction: the command line's one write call per kind of feature.
type Insert[T any] func(db *store.DB, plan domain.Plan, items []T, srid int) ([]store.Warning, error)

// Sink is where a restored bundle's features go: the same calls every
// import of grids, units and facilities ends in.
type Sink struct {
	Grids      Insert[domain.Grid]
	Units      Insert[domain.Unit]
	Facilities Insert[domain.Facility]
}

// bundleContents is a bundle read whole, before anything is written.
type bundleContents struct {
	version    int
	rows       map[string][]store.BundleRow
	grids      []domain.Grid
	units      []domain.Unit
	facilities []domain.Facility
}

// RestoreBundle creates plan name from the bundle at path. The bundle is
// read and checked whole first (a foreign or truncated GeoPackage, or a
// history that does not hold together, fails then, with one line); if a
// write then fails, the new plan is deleted again, so a failed restore
// leaves nothing. A bundle with history restores it and the published
// grids from it, recording nothing new; an older bundle's grids are
// imported, as one import revision.
func RestoreBundle(ctx context.Context, db *store.DB, path, name string, sink Sink) (plan domain.Plan, err error) {
	if err := domain.ValidatePlanName(name); err != nil {
		return plan, err
	}
	if _, err := db.Plan(ctx, name); domain.ErrorCode(err) != domain.ErrNotFound {
		if err == nil {
			err = domain.Errorf(domain.ErrConflict, "plan %q already exists; restore the bundle under a new name", name)
		}
		return plan, err
	}
	c, err := readBundle(ctx, path)
	if err != nil {
		return plan, err
	}
	history := c.version >= store.BundleHistoryVersion
	if history {
		if err := store.CheckBundleHistory(c.rows); err != nil {
			return plan, domain.Errorf(domain.ErrInvalid, "%s: %s", path, domain.ErrorMessage(err))
		}
	}
	head := c.rows["plan"]
	if len(head) != 1 {
		return plan, domain.Errorf(domain.ErrInvalid, "%s: the bundle's plan table has %d rows; want 1", path, len(head))
	}
	srid, err := head[0].Values["srid"].(json.Number).Int64()
	if err != nil {
		return plan, domain.Errorf(domain.ErrInvalid, "%s: the bundle's plan has no CRS", path)
	}
	plan, err = db.CreatePlan(ctx, domain.Plan{Name: name, SRID: int(srid)})
	if err != nil {
		return plan, err
	}
	defer func() {
		if err != nil {
			_ = db.DeletePlan(context.WithoutCancel(ctx), name)
		}
	}()
	if err = db.RestoreBundleRows(ctx, plan.ID, c.rows); err != nil {
		return plan, err
	}
	if history {
		err = db.RestoreBundleHistory(ctx, plan, c.rows, domain.ActorFrom(ctx))
		if domain.ErrorCode(err) == domain.ErrInvalid {
			err = domain.Errorf(domain.ErrInvalid, "%s: %s", path, domain.ErrorMessage(err))
		}
	} else {
		// Bundles hold WGS84, which the inserts store as it is.
		_, err = sink.Grids(db, plan, c.grids, domain.WGS84)
	}
	if err != nil {
		return plan, err
	}
	if _, err = sink.Units(db, plan, c.units, domain.WGS84); err != nil {
		return plan, err
	}
	if _, err = sink.Facilities(db, plan, c.facilities, domain.WGS84); err != nil {
		return plan, err
	}
	return db.Plan(ctx, name)
}

// readBundle reads every table of a bundle, checking that it is one.
func readBundle(ctx context.Context, path string) (bundleContents, error) {
	c := bundleContents{rows: map[string][]store.BundleRow{}}
	layers, err := geoPackageLayers(ctx, path)
	if err != nil {
		return c, err
	}
	if !slices.Contains(layers, bundleMeta) {
		return c, domain.Errorf(domain.ErrInvalid, "%s: not a gridplan bundle (it has no %s table); import its layers "+
			"with import grids|units|facilities --layer", path, bundleMeta)
	}
	meta, err := readRows(ctx, path, bundleMeta)
	if err != nil {
		return c, err
	}
	if len(meta) != 1 || meta[0].Values["format"] != bundleFormat {
		return c, domain.Errorf(domain.ErrInvalid, "%s: not a gridplan bundle (its %s table says otherwise)", path, bundleMeta)
	}
	version, _ := meta[0].Values["version"].(string)
	if c.version, err = strconv.Atoi(version); err != nil || c.version < 1 || c.version > store.BundleVersion {
		return c, domain.Errorf(domain.ErrInvalid, "%s: a gridplan bundle of version %q; this gridplan reads versions 1 to %d "+
			"(a newer gridplan made it?)", path, version, store.BundleVersion)
	}
	listed, _ := meta[0].Values["tables"].(string)
	for _, t := range store.BundleTables() {
		if t.Since > c.version {
			continue // the version that made it had no such table
		}
		if !slices.Contains(layers, t.Name) || !slices.Contains(strings.Split(listed, ","), t.Name) {
			return c, domain.Errorf(domain.ErrInvalid, "%s: the bundle lacks its %s table (damaged, or made by another gridplan)", path, t.Name)
		}
		if err := c.read(ctx, path, t); err != nil {
			return c, err
		}
	}
	return c, nil
}

// read reads one table: features through geojsonio's mapping, other rows
// as they are.
func (c *bundleContents) read(ctx context.Context, path string, t store.BundleTable) error {
	// With history, the published grids are restored from it and the grid
	// table's rows are compared with them as they are.
	asRows := t.Restore == store.RestoreGrids && c.version >= store.BundleHistoryVersion
	if t.Restore == store.RestorePlan || t.Restore == store.RestoreRows || t.Restore == store.RestoreHistory || asRows {
		rows, err := readRows(ctx, path, t.Name)
		c.rows[t.Name] = rows
		return err
	}
	return readLayer(ctx, path, t.Name, func(src geojsonio.Source, r io.Reader) error {
		src.Nested = "properties"
		var err error
		switch t.Restore {
		case store.RestoreGrids:
			f := geojsonio.GridFields{Code: "code", Name: "name", Level: "level", Parent: "parent_code", Kind: "kind",
				Category: "category", Mode: "mode"}
			c.grids, _, err = src.Grids(r, f)
		case store.RestoreUnits:
			c.units, _, err = src.Units(r, geojsonio.DefaultUnitFields())
		case store.RestoreFacilities:
			c.facilities, _, err = src.Facilities(r, geojsonio.DefaultFacilityFields())
		}
		return err
	})
}

// readRows reads a table's rows as they are.
func readRows(ctx context.Context, path, layer string) ([]store.BundleRow, error) {
	var rows []store.BundleRow
	err := readLayer(ctx, path, layer, func(src geojsonio.Source, r io.Reader) error {
		return src.Rows(r, func(_ int, props map[string]any, g orb.Geometry) error {
			rows = append(rows, store.BundleRow{Values: props, Geometry: g})
			return nil
		})
	})
	return rows, err
}

// readLayer converts one GeoPackage layer to GeoJSON and hands it to fn;
// GDAL's failure wins over the reading error it caused.
func readLayer(ctx context.Context, path, layer string, fn func(geojsonio.Source, io.Reader) error) error {
	r, err := convert(ctx, path, []string{path, layer})
	if err != nil {
		return err
	}
	src := geojsonio.Source{File: path + " layer " + layer, Tabular: true}
	err = fn(src, r)
	if cerr := r.Close(); cerr != nil {
		return cerr
	}
	return err
}
