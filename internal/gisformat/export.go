package gisformat

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// cgcs2000 is EPSG:4490, China Geodetic Coordinate System 2000: the
// default CRS of exports to Chinese GIS software. Its longitude/latitude
// equal WGS84's to well under a metre, so PROJ converts between them
// without changing a digit.
const cgcs2000 = 4490

// Export says what to export and how. Build it with NewExport, which
// checks the combination.
type Export struct {
	Format Format
	// What is grids, units, facilities or findings; "" means grids, or
	// every layer for a GeoPackage.
	What  string
	Level int
	// CRS is the EPSG code of Shapefile, GeoPackage and CSV output; 0 is
	// EPSG:4490, -1 the plan's metric CRS. GeoJSON and KML are WGS84.
	CRS int
	// Encoding is a Shapefile's DBF encoding: UTF-8 or GBK.
	Encoding string
	// Notes receives GDAL's warnings (a value cut to the DBF's 254 bytes).
	Notes io.Writer
}

// planCRS asks for the plan's metric CRS (--crs plan).
const planCRS = -1

// NewExport checks an export's options as the command line and the HTTP
// API take them; every problem is a one-line domain.ErrInvalid error.
func NewExport(format, what string, level int, crs, encoding string) (Export, error) {
	x := Export{Format: Format(strings.ToLower(format)), What: what, Level: level, Encoding: encUTF8}
	switch x.Format {
	case GeoJSON, Shapefile, GeoPackage, KML, KMZ, CSV:
	default:
		return x, domain.Errorf(domain.ErrInvalid, "format %q: want geojson, shp, gpkg, kml, kmz or csv", format)
	}
	switch what {
	case "", "grids", "units", "facilities", "findings":
	default:
		return x, domain.Errorf(domain.ErrInvalid, "what %q: want grids, units, facilities or findings", what)
	}
	if level < 0 || (level > 0 && what != "" && what != "grids") {
		return x, domain.Errorf(domain.ErrInvalid, "level %d: want a positive level number, for grids", level)
	}
	switch c := strings.ToUpper(crs); {
	case c == "":
	case x.Format == GeoJSON || x.Format == KML || x.Format == KMZ:
		return x, domain.Errorf(domain.ErrInvalid, "crs %q: %s is WGS84 longitude/latitude by definition", crs, x.Format)
	case c == "PLAN":
		x.CRS = planCRS
	default:
		n, err := strconv.Atoi(strings.TrimPrefix(c, "EPSG:"))
		if err != nil || n <= 0 {
			return x, domain.Errorf(domain.ErrInvalid, "crs %q: want EPSG:N (EPSG:4490 by default) or plan", crs)
		}
		x.CRS = n
	}
	if encoding != "" {
		enc, ok := canonicalEncoding(encoding)
		if x.Format != Shapefile || !ok || enc == encGB18030 {
			return x, domain.Errorf(domain.ErrInvalid, "encoding %q: a Shapefile's DBF is written in UTF-8 or GBK", encoding)
		}
		x.Encoding = enc
	}
	return x, nil
}

// srid is the EPSG code the export writes coordinates in.
func (x Export) srid(plan domain.Plan) int {
	switch {
	case x.Format == GeoJSON || x.Format == KML || x.Format == KMZ:
		return domain.WGS84
	case x.CRS == planCRS:
		return plan.SRID
	case x.CRS > 0:
		return x.CRS
	}
	return cgcs2000
}

// ContentType is the media type of the export.
func (x Export) ContentType() string {
	switch x.Format {
	case KML:
		return "application/vnd.google-earth.kml+xml"
	case KMZ:
		return "application/vnd.google-earth.kmz"
	case CSV:
		return "text/csv; charset=utf-8"
	case GeoPackage:
		return "application/geopackage+sqlite3"
	case Shapefile:
		return "application/zip" // a Shapefile is several files
	}
	return "application/geo+json"
}

// FileName is a name for the export of a plan, e.g. demo-level-4.kml.
func (x Export) FileName(plan domain.Plan) string {
	name := plan.Name
	switch {
	case x.Level > 0:
		name += "-level-" + strconv.Itoa(x.Level)
	case x.What != "":
		name += "-" + x.What
	}
	ext := string(x.Format)
	if x.Format == Shapefile {
		ext = "shp.zip"
	}
	return name + "." + ext
}

// layer is one layer of an export: a GeoPackage table, a Shapefile, a KML
// document's features.
type layer struct {
	name  string
	what  string
	level int // grids of this level only; 0 for all
}

// layers lists what the export holds: one layer, or for a GeoPackage
// without --what one per level present plus units, facilities and findings.
func (x Export) layers(ctx context.Context, db *store.DB, plan domain.Plan) ([]layer, error) {
	if x.Format != GeoPackage || x.What != "" {
		what := x.What
		if what == "" {
			what = "grids"
		}
		l := layer{name: what, what: what, level: x.Level}
		if x.Level > 0 {
			l.name = "level_" + strconv.Itoa(x.Level)
		}
		return []layer{l}, nil
	}
	counts, err := db.Count(ctx, plan.Workspace)
	if err != nil {
		return nil, err
	}
	var layers []layer
	for _, c := range counts.Levels {
		if (x.Level == 0 || c.Level == x.Level) && (len(layers) == 0 || layers[len(layers)-1].level != c.Level) {
			layers = append(layers, layer{name: "level_" + strconv.Itoa(c.Level), what: "grids", level: c.Level})
		}
	}
	if x.Level == 0 {
		layers = append(layers, layer{"units", "units", 0}, layer{"facilities", "facilities", 0}, layer{"findings", "findings", 0})
	}
	return layers, nil
}

// eachFeature streams a layer's features as GeoJSON features, the same
// ones the GeoJSON export and the HTTP API write.
func eachFeature(ctx context.Context, db *store.DB, plan domain.Plan, l layer, fn func(*geojson.Feature) error) error {
	switch l.what {
	case "units":
		return db.EachUnit(ctx, plan.ID, func(u domain.Unit) error { return fn(geojsonio.UnitFeature(u)) })
	case "facilities":
		return db.EachFacility(ctx, plan.ID, func(f domain.Facility) error { return fn(geojsonio.FacilityFeature(f)) })
	case "findings": // the latest audit's, every check that has run
		return db.EachFinding(ctx, plan.Workspace, func(f domain.Finding) error { return fn(geojsonio.FindingFeature(f)) })
	}
	return db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: l.level}, func(g domain.Grid) error { return fn(geojsonio.GridFeature(g)) })
}

// Write writes the export to w: GeoJSON, KML, KMZ and CSV as they are
// produced; a GeoPackage once built; a Shapefile as a zip of its files.
func (x Export) Write(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	switch x.Format {
	case GeoJSON:
		return x.writeGeoJSON(ctx, db, plan, w)
	case KML, KMZ:
		return x.writeKML(ctx, db, plan, w)
	case CSV:
		return x.writeCSV(ctx, db, plan, w)
	}
	return x.writeArchive(ctx, db, plan, w)
}

// WriteFile writes the export to path: for a Shapefile the .shp to write
// or a directory to write <layer>.shp into, otherwise the file.
func (x Export) WriteFile(ctx context.Context, db *store.DB, plan domain.Plan, path string) error {
	switch x.Format {
	case Shapefile, GeoPackage:
		return x.writeFiles(ctx, db, plan, path)
	}
	f, err := os.Create(path)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "-o %s: %v", path, err)
	}
	if err := x.Write(ctx, db, plan, f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

func (x Export) writeGeoJSON(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	layers, err := x.layers(ctx, db, plan)
	if err != nil {
		return err
	}
	out := geojsonio.NewWriter(w)
	for _, l := range layers {
		if err := eachFeature(ctx, db, plan, l, out.Write); err != nil {
			return err
		}
	}
	return out.Close()
}

// NeedsFile is the command line's check that a format which cannot go to
// standard output (several files, or binary) has its -o.
func (x Export) NeedsFile() error {
	switch x.Format {
	case Shapefile:
		return domain.Errorf(domain.ErrInvalid, "--format shp writes several files: give -o FILE.shp or -o DIR")
	case GeoPackage, KMZ:
		return domain.Errorf(domain.ErrInvalid, "--format %s writes a file: give -o FILE.%s", x.Format, x.Format)
	}
	return nil
}
