package geojsonio

import (
	"fmt"
	"io"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// GridFields names the properties a grid import reads (the command line's
// --code-field, --name-field, ... flags). An empty name means the file has no
// such property. FixedLevel (the --level N flag) is the level of every
// feature without a level property; 0 means none.
type GridFields struct {
	Code, Name, Level, Parent, Kind, Category, Mode string
	FixedLevel                                      int
	// CodeOptional lets a feature leave its code out (or null): a grid
	// drawn new, which the editing layer's create op gives a fresh code.
	CodeOptional bool
}

// DefaultGridFields returns the property names an export writes.
func DefaultGridFields() GridFields {
	return GridFields{Code: "code", Name: "name", Level: "level", Parent: "parent",
		Kind: "kind", Category: "category", Mode: "mode"}
}

// computedGridProperties are written by exports but derived from units, so
// an import ignores them: export then import gives the same plan.
var computedGridProperties = []string{"persons", "households", "deviation_pct", "band"}

// ReadGrids reads the grids of an RFC 7946 file; see Source.Grids.
func ReadGrids(r io.Reader, file string, f GridFields) ([]domain.Grid, error) {
	grids, _, err := Source{File: file}.Grids(r, f)
	return grids, err
}

// Grids streams the grids of a GeoJSON FeatureCollection, single Feature
// or text sequence from src. Each feature needs a Polygon or MultiPolygon
// (stored as a MultiPolygon), a code unique in the file and a positive
// level; kind defaults to base; a special grid without a mode is an
// overlay. Properties not mapped by f are kept in Grid.Properties. It stops
// at the first bad feature with a *domain.Error (domain.ErrInvalid) naming
// file, feature and field, and returns the coordinates' CRS.
func (src Source) Grids(r io.Reader, f GridFields) ([]domain.Grid, CRS, error) {
	file := src.File
	if f.Code == "" {
		return nil, CRS{}, fileError(file, "no code field given; grids need a code")
	}
	var grids []domain.Grid
	seen := make(map[string]int)
	crs, err := readFeatures(r, src, func(i int, raw *rawFeature) error {
		g, err := f.grid(file, i, raw)
		if err != nil {
			return err
		}
		if prev, dup := seen[g.Code]; dup && g.Code != "" {
			return featureError(file, i, f.Code, fmt.Sprintf("duplicate code %q: features[%d] has it too", g.Code, prev))
		}
		seen[g.Code] = i
		grids = append(grids, g)
		return nil
	})
	if err != nil {
		return nil, CRS{}, err
	}
	return grids, crs, nil
}

// grid maps one feature to a grid.
func (f GridFields) grid(file string, i int, raw *rawFeature) (domain.Grid, error) {
	props := raw.Properties
	bad := func(field, problem string) (domain.Grid, error) {
		return domain.Grid{}, featureError(file, i, field, problem)
	}
	var g domain.Grid
	var problem string

	if k := nulProperty(props); k != "" {
		return bad(k, nulProblem)
	}
	if g.Code, problem = textProperty(props, f.Code, !f.CodeOptional); problem != "" {
		return bad(f.Code, problem)
	}
	if g.Level, problem = f.level(props); problem != "" {
		return bad(f.levelField(), problem)
	}
	kind, problem := textProperty(props, f.Kind, false)
	if problem != "" {
		return bad(f.Kind, problem)
	}
	switch g.Kind = domain.Kind(kind); {
	case g.Kind == "":
		g.Kind = domain.KindBase
	case !domain.ValidKind(g.Kind):
		return bad(f.Kind, fmt.Sprintf("%q is not base or special", kind))
	}
	mode, problem := textProperty(props, f.Mode, false)
	if problem != "" {
		return bad(f.Mode, problem)
	}
	switch g.Mode = domain.Mode(mode); {
	case !domain.ValidMode(g.Mode):
		return bad(f.Mode, fmt.Sprintf("%q is not overlay or carve_out", mode))
	case g.Mode != "" && g.Kind == domain.KindBase:
		return bad(f.Mode, fmt.Sprintf("%q is given for a base grid; only special grids have a mode", mode))
	case g.Mode == "" && g.Kind == domain.KindSpecial:
		g.Mode = domain.ModeOverlay
	}
	if g.Parent, problem = textProperty(props, f.Parent, false); problem != "" {
		return bad(f.Parent, problem)
	}
	if g.Parent != "" && g.Parent == g.Code {
		return bad(f.Parent, fmt.Sprintf("grid %q names itself as its parent", g.Code))
	}
	if g.Name, problem = textProperty(props, f.Name, false); problem != "" {
		return bad(f.Name, problem)
	}
	if g.Category, problem = textProperty(props, f.Category, false); problem != "" {
		return bad(f.Category, problem)
	}

	geom, problem := raw.geometry("Polygon", "MultiPolygon")
	if problem != "" {
		return bad("geometry", problem)
	}
	switch geom := geom.(type) {
	case orb.Polygon:
		g.Geometry = orb.MultiPolygon{geom}
	case orb.MultiPolygon:
		g.Geometry = geom
	}
	mapped := append([]string{f.Code, f.Name, f.Level, f.Parent, f.Kind, f.Category, f.Mode}, computedGridProperties...)
	g.Properties = freeProperties(props, mapped...)
	return g, nil
}

// level reads the level property, or FixedLevel when the feature has none.
func (f GridFields) level(props map[string]any) (int, string) {
	v, ok := lookup(props, f.Level)
	if !ok {
		if f.FixedLevel > 0 {
			return f.FixedLevel, ""
		}
		return 0, "missing; use --level N when the file has no level property"
	}
	n, problem := wholeNumber(v)
	switch {
	case problem != "":
		return 0, problem + "; the level must be a positive integer"
	case n < 1:
		return 0, fmt.Sprintf("%s is not a positive integer", describe(v))
	}
	return int(n), ""
}

// levelField is the name to report level problems under.
func (f GridFields) levelField() string {
	if f.Level == "" {
		return "level"
	}
	return f.Level
}
