package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/schollz/progressbar/v3"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/gisformat"
	"github.com/gridplan/gridplan/internal/store"
)

// progressThreshold is the file size above which a terminal gets a progress bar.
const progressThreshold = 1 << 20

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"import needs what to import: grids, units, facilities, osm or bundle"}
	}
	switch args[0] {
	case "grids":
		return runImportGrids(ctx, e, args[1:])
	case "units":
		return runImportUnits(ctx, e, args[1:])
	case "facilities":
		return runImportFacilities(ctx, e, args[1:])
	case "osm":
		return runImportOSM(ctx, e, args[1:])
	case "bundle":
		return runImportBundle(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown import %q: want grids, units, facilities, osm or bundle", args[0])}
}

func runImportGrids(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import grids", &cfg)
	f := geojsonio.DefaultGridFields()
	fs.StringVar(&f.Code, "code-field", f.Code, "property holding the grid code")
	fs.StringVar(&f.Name, "name-field", f.Name, "property holding the grid name")
	fs.StringVar(&f.Level, "level-field", f.Level, "property holding the level")
	fs.StringVar(&f.Parent, "parent-field", f.Parent, "property holding the parent code; absent = top-level grids")
	fs.StringVar(&f.Kind, "kind-field", f.Kind, "property holding base|special")
	fs.StringVar(&f.Category, "category-field", f.Category, "property holding a special grid's category")
	fs.StringVar(&f.Mode, "mode-field", f.Mode, "property holding overlay|carve_out")
	fs.IntVar(&f.FixedLevel, "level", 0, "assign every feature to this level when the file has no level property")
	in := inputFlags(fs)
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"code": f.Code, "name": f.Name, "level": f.Level, "parent": f.Parent,
		"kind": f.Kind, "category": f.Category, "mode": f.Mode, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], in.with(pos[1]), fieldName,
		func(src geojsonio.Source, r io.Reader) ([]domain.Grid, geojsonio.CRS, error) { return src.Grids(r, f) },
		insertGrids(ctx), describeGrids)
}

func runImportUnits(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import units", &cfg)
	f := geojsonio.DefaultUnitFields()
	fs.StringVar(&f.Persons, "persons-field", f.Persons, "property holding the number of residents")
	fs.StringVar(&f.Households, "households-field", f.Households, "property holding the number of households")
	fs.StringVar(&f.Name, "name-field", f.Name, "property holding the unit name")
	in := inputFlags(fs)
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"persons": f.Persons, "households": f.Households, "name": f.Name, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], in.with(pos[1]), fieldName,
		func(src geojsonio.Source, r io.Reader) ([]domain.Unit, geojsonio.CRS, error) { return src.Units(r, f) },
		insertUnits(ctx),
		func(units []domain.Unit) string {
			persons, households := 0, 0
			for _, u := range units {
				persons += u.Persons
				households += u.Households
			}
			return fmt.Sprintf("%d units (%d persons, %d households)", len(units), persons, households)
		})
}

func runImportFacilities(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import facilities", &cfg)
	f := geojsonio.DefaultFacilityFields()
	fs.StringVar(&f.Type, "type-field", f.Type, "property holding the facility type")
	fs.StringVar(&f.FixedType, "type", "", "give every feature this facility type")
	fs.StringVar(&f.Name, "name-field", f.Name, "property holding the facility name")
	in := inputFlags(fs)
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"type": f.Type, "name": f.Name, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], in.with(pos[1]), fieldName,
		func(src geojsonio.Source, r io.Reader) ([]domain.Facility, geojsonio.CRS, error) {
			return src.Facilities(r, f)
		},
		insertFacilities(ctx),
		func(fs []domain.Facility) string {
			types := map[string]int{}
			for _, f := range fs {
				types[f.Type]++
			}
			return fmt.Sprintf("%d facilities %v", len(fs), types)
		})
}

// The one place each kind of feature an import reads is written, whatever
// the file format: imports and bundle restores both call these.
// The imports write through the editing layer, the one write path: grids
// as a revision of the plan, by the command line's actor.
func insertGrids(ctx context.Context) gisformat.Insert[domain.Grid] {
	return func(db *store.DB, plan domain.Plan, grids []domain.Grid, srid int) ([]store.Warning, error) {
		warnings, _, err := newEditing(db, nil, nil).ImportGrids(ctx, plan, grids, srid, "imported grids")
		return warnings, err
	}
}

func insertUnits(ctx context.Context) gisformat.Insert[domain.Unit] {
	return func(db *store.DB, plan domain.Plan, units []domain.Unit, srid int) ([]store.Warning, error) {
		return newEditing(db, nil, nil).ImportUnits(ctx, plan, units, srid)
	}
}

func insertFacilities(ctx context.Context) gisformat.Insert[domain.Facility] {
	return func(db *store.DB, plan domain.Plan, fs []domain.Facility, srid int) ([]store.Warning, error) {
		return nil, newEditing(db, nil, nil).ImportFacilities(ctx, plan, fs, srid)
	}
}

// importFile is the shared shape of every import: check the plan, read and
// validate the whole file (any format, in any CRS PostGIS knows), then
// write it in one transaction. Nothing is written unless everything is
// valid.
func importFile[T any](ctx context.Context, e *env, cfg Config, planName string, spec inputSpec, fieldName map[string]string,
	read func(geojsonio.Source, io.Reader) ([]T, geojsonio.CRS, error),
	insert gisformat.Insert[T],
	describe func([]T) string) error {
	in, path := spec.Input, spec.Path
	if spec.sourceCRS != "" {
		srid, err := parseCRS(spec.sourceCRS)
		if err != nil {
			return domain.Errorf(domain.ErrInvalid, "--source-crs %q: want an EPSG code such as EPSG:4547", spec.sourceCRS)
		}
		in.SourceCRS = srid
	}
	// What gridplan settled on its own (a detected encoding) is said when
	// the import succeeds; a refused one says only what to fix, in one line.
	var notes bytes.Buffer
	in.Notes = &notes
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := db.Plan(ctx, planName)
		if err != nil {
			return err
		}
		in.LookupCRS = gisformat.LookupCRS(ctx, db)
		items, crs, err := gisformat.Read(ctx, in, func(r io.Reader, size int64, exact bool) io.Reader {
			return progressReader(e, r, size, exact, "reading "+path)
		}, read)
		if err != nil {
			return err
		}
		if e.stderrIsTTY && len(items) > 10000 {
			fmt.Fprintf(e.stderr, "writing %d features to plan %q...\n", len(items), plan.Name)
		}
		warnings, err := insert(db, plan, items, crs.SRID())
		var fe *store.FeatureError
		if errors.As(err, &fe) {
			name := fieldName[fe.Field]
			if name == "" {
				name = fe.Field
			}
			return domain.Errorf(domain.ErrInvalid, "%s", geojsonio.FeatureMessage(path, fe.Index, name, fe.Problem))
		}
		if err != nil {
			return err
		}
		notes.WriteTo(e.stderr)
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", geojsonio.FeatureMessage(path, w.Index, "geometry", w.Problem))
		}
		fmt.Fprintf(e.stdout, "imported %s into plan %q\n", describe(items), plan.Name)
		return nil
	})
}

// progressReader shows a byte progress bar on a terminal for large files.
// A file GDAL converts streams more bytes than it holds (exact is false),
// so its bar counts bytes without an end.
func progressReader(e *env, r io.Reader, size int64, exact bool, label string) io.Reader {
	if !e.stderrIsTTY || size < progressThreshold {
		return r
	}
	if !exact {
		size = -1
	}
	bar := progressbar.DefaultBytes(size, label)
	pr := progressbar.NewReader(r, bar)
	return &pr
}

func describeGrids(grids []domain.Grid) string {
	perLevel := map[int]int{}
	for _, g := range grids {
		perLevel[g.Level]++
	}
	levels := make([]int, 0, len(perLevel))
	for l := range perLevel {
		levels = append(levels, l)
	}
	sort.Ints(levels)
	s := fmt.Sprintf("%d grids (", len(grids))
	for i, l := range levels {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("level %d: %d", l, perLevel[l])
	}
	return s + ")"
}
