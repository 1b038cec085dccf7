package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gridplan/gridplan/internal/gisformat"
	"github.com/gridplan/gridplan/internal/store"
)

// inputOptions are the flags every file import takes besides the fields.
type inputOptions struct {
	layer, encoding, sourceCRS *string
}

func inputFlags(fs *flag.FlagSet) inputOptions {
	return inputOptions{
		layer:     fs.String("layer", "", "GeoPackage layer to read (needed when the file has several)"),
		encoding:  fs.String("encoding", "", "Shapefile DBF encoding when no .cpg says: GBK, GB18030 or UTF-8 (else detected)"),
		sourceCRS: fs.String("source-crs", "", "CRS of the file's coordinates, e.g. EPSG:4547, overriding its .prj or crs member"),
	}
}

// with is the input for one file; the CRS lookup is added once the
// database is open.
func (o inputOptions) with(path string) inputSpec {
	return inputSpec{Input: gisformat.Input{Path: path, Layer: *o.layer, Encoding: *o.encoding}, sourceCRS: *o.sourceCRS}
}

type inputSpec struct {
	gisformat.Input
	sourceCRS string
}

// runImportBundle restores a plan bundle (export --bundle) as a new plan.
func runImportBundle(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import bundle", &cfg)
	pos, err := parseArgs(fs, args, "NEWNAME", "FILE.gpkg")
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		sink := gisformat.Sink{Grids: insertGrids(ctx), Units: insertUnits(ctx), Facilities: insertFacilities(ctx)}
		plan, err := gisformat.RestoreBundle(ctx, db, pos[1], pos[0], sink)
		if err != nil {
			return err
		}
		counts, err := db.Count(ctx, plan.ID)
		if err != nil {
			return err
		}
		grids := 0
		for _, l := range counts.Levels {
			grids += l.Grids
		}
		fmt.Fprintf(e.stdout, "restored plan %q from %s: %d grids, %d units, %d facilities, %d network edges\n",
			plan.Name, pos[1], grids, counts.Units, counts.Facilities, counts.Edges)
		return nil
	})
}
