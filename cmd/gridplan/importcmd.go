package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/schollz/progressbar/v3"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// progressThreshold is the file size above which a terminal gets a progress bar.
const progressThreshold = 1 << 20

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"import needs what to import: grids, units, facilities or osm"}
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
	}
	return usageError{fmt.Sprintf("unknown import %q: want grids, units, facilities or osm", args[0])}
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
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"code": f.Code, "name": f.Name, "level": f.Level, "parent": f.Parent,
		"kind": f.Kind, "category": f.Category, "mode": f.Mode, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], pos[1], fieldName,
		func(r io.Reader) ([]domain.Grid, error) { return geojsonio.ReadGrids(r, pos[1], f) },
		func(ed *editing.Service, plan domain.Plan, grids []domain.Grid) ([]store.Warning, error) {
			warnings, _, err := ed.ImportGrids(ctx, plan, grids, domain.WGS84, "imported from "+filepath.Base(pos[1]))
			return warnings, err
		},
		func(grids []domain.Grid) string { return describeGrids(grids) })
}

func runImportUnits(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import units", &cfg)
	f := geojsonio.DefaultUnitFields()
	fs.StringVar(&f.Persons, "persons-field", f.Persons, "property holding the number of residents")
	fs.StringVar(&f.Households, "households-field", f.Households, "property holding the number of households")
	fs.StringVar(&f.Name, "name-field", f.Name, "property holding the unit name")
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"persons": f.Persons, "households": f.Households, "name": f.Name, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], pos[1], fieldName,
		func(r io.Reader) ([]domain.Unit, error) { return geojsonio.ReadUnits(r, pos[1], f) },
		func(ed *editing.Service, plan domain.Plan, units []domain.Unit) ([]store.Warning, error) {
			return ed.ImportUnits(ctx, plan, units, domain.WGS84)
		},
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
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	fieldName := map[string]string{"type": f.Type, "name": f.Name, "geometry": "geometry"}
	return importFile(ctx, e, cfg, pos[0], pos[1], fieldName,
		func(r io.Reader) ([]domain.Facility, error) { return geojsonio.ReadFacilities(r, pos[1], f) },
		func(ed *editing.Service, plan domain.Plan, fs []domain.Facility) ([]store.Warning, error) {
			return nil, ed.ImportFacilities(ctx, plan, fs, domain.WGS84)
		},
		func(fs []domain.Facility) string {
			types := map[string]int{}
			for _, f := range fs {
				types[f.Type]++
			}
			return fmt.Sprintf("%d facilities %v", len(fs), types)
		})
}

// importFile is the shared shape of every import: check the plan, read and
// validate the whole file, then write it in one transaction. Nothing is
// written unless everything is valid.
func importFile[T any](ctx context.Context, e *env, cfg Config, planName, path string, fieldName map[string]string,
	read func(io.Reader) ([]T, error),
	insert func(*editing.Service, domain.Plan, []T) ([]store.Warning, error),
	describe func([]T) string) error {
	file, err := os.Open(path)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: %v", path, errors.Unwrap(err))
	}
	defer file.Close()
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := db.Plan(ctx, planName)
		if err != nil {
			return err
		}
		items, err := read(progressReader(e, file, "reading "+path))
		if err != nil {
			return err
		}
		if e.stderrIsTTY && len(items) > 10000 {
			fmt.Fprintf(e.stderr, "writing %d features to plan %q...\n", len(items), plan.Name)
		}
		warnings, err := insert(newEditing(db, nil, nil), plan, items)
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
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", geojsonio.FeatureMessage(path, w.Index, "geometry",
				"invalid ("+w.Problem+"); stored as it is, the coverage audit reports it"))
		}
		fmt.Fprintf(e.stdout, "imported %s into plan %q\n", describe(items), plan.Name)
		return nil
	})
}

// progressReader shows a byte progress bar on a terminal for large files.
func progressReader(e *env, f *os.File, label string) io.Reader {
	fi, err := f.Stat()
	if err != nil || !e.stderrIsTTY || fi.Size() < progressThreshold {
		return f
	}
	bar := progressbar.DefaultBytes(fi.Size(), label)
	r := progressbar.NewReader(f, bar)
	return &r
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
