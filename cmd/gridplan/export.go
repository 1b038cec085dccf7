package main

import (
	"bufio"
	"context"

	"github.com/gridplan/gridplan/internal/gisformat"
	"github.com/gridplan/gridplan/internal/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "export", &cfg)
	format := fs.String("format", "geojson", "geojson, shp, gpkg, kml, kmz or csv")
	level := fs.Int("level", 0, "only grids of this level")
	what := fs.String("what", "", "grids, units, facilities or findings (the latest audit's); default grids, or every layer for gpkg")
	crs := fs.String("crs", "", "CRS of shp, gpkg and csv output: EPSG:N, or plan for the plan's metric CRS (default EPSG:4490, CGCS2000)")
	encoding := fs.String("encoding", "", "Shapefile DBF encoding: UTF-8 (default) or GBK for old ArcGIS")
	out := fs.String("o", "", "output file (a .shp or a directory for shp); geojson, kml and csv go to stdout without it")
	bundle := fs.String("bundle", "", "write the whole plan (every table) as a GeoPackage bundle for import bundle")
	views := addViewFlags(fs)
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *bundle != "" {
		return withStore(ctx, e, cfg, func(db *store.DB) error {
			return gisformat.WriteBundle(ctx, db, pos[0], *bundle)
		})
	}
	x, err := gisformat.NewExport(*format, *what, *level, *crs, *encoding)
	if err != nil {
		return err
	}
	x.Notes = e.stderr
	if *out == "" {
		if err := x.NeedsFile(); err != nil {
			return err
		}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := planView(ctx, db, pos[0], views)
		if err != nil {
			return err
		}
		if *out != "" {
			return x.WriteFile(ctx, db, plan, *out)
		}
		buf := bufio.NewWriterSize(e.stdout, 256<<10)
		if err := x.Write(ctx, db, plan, buf); err != nil {
			return err
		}
		return buf.Flush()
	})
}
