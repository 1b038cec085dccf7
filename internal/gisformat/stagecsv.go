package gisformat

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/geojsonio"
)

// The flat outputs (Shapefile, CSV) are staged as CSV with a WKT column
// and a .csvt naming each column's type and width: GDAL reads that in one
// pass, where GeoJSON takes two (its schema, then its features), which
// halves the conversion. Neither output tells a null from an empty text,
// so CSV loses nothing they keep. GeoPackages and bundles are staged as
// GeoJSON, which keeps nulls and JSON types.

// dbfTextLimit is the widest DBF text field, in bytes.
const dbfTextLimit = 254

// column is what the values of one property have been.
type column struct {
	ints, bigInts, floats, bools, texts bool
	width                               int // the longest value, in bytes
}

// see records one value.
func (c *column) see(v any) {
	switch v := v.(type) {
	case nil:
		return
	case bool:
		c.bools = true
	case int:
		c.seeInt(int64(v))
	case int64:
		c.seeInt(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			c.seeInt(int64(v))
		} else {
			c.floats = true
		}
	case json.Number:
		if n, err := v.Int64(); err == nil {
			c.seeInt(n)
		} else {
			c.floats = true
		}
	default:
		c.texts = true
	}
	c.width = max(c.width, len(valueText(v)))
}

func (c *column) seeInt(n int64) {
	c.ints = true
	c.bigInts = c.bigInts || n > math.MaxInt32 || n < math.MinInt32
}

// csvtType is the column's type for GDAL: a number type when every value
// was one, else text as wide as the longest value.
func (c *column) csvtType() string {
	switch {
	case c.texts || (c.bools && (c.ints || c.floats)):
		return "String(" + strconv.Itoa(min(max(c.width, 1), dbfTextLimit)) + ")"
	case c.floats:
		return "Real"
	case c.bigInts:
		return "Integer64"
	case c.ints:
		return "Integer"
	case c.bools:
		return "Integer(Boolean)"
	}
	return "String(1)" // null in every feature
}

// stageCSV writes features as dir/name.csv and its .csvt, renaming their
// properties with names when not nil. The columns are every property any
// feature has, so the features are held until all have been seen.
func stageCSV(each features, dir, name string, names *dbfNames) (staged, error) {
	s := staged{path: filepath.Join(dir, name+".csv")}
	var rows []*geojson.Feature
	columns := map[string]*column{}
	seen := map[string]any{} // every property name, for the column order
	err := each(func(f *geojson.Feature) error {
		s.note(f.Geometry)
		props := make(geojson.Properties, len(f.Properties))
		for k, v := range f.Properties {
			if names != nil {
				k = names.name(k)
			}
			props[k] = v
			if columns[k] == nil {
				columns[k], seen[k] = &column{}, nil
			}
			columns[k].see(v)
		}
		f.Properties = props
		rows = append(rows, f)
		s.count++
		return nil
	})
	if err != nil {
		return s, err
	}
	order := geojsonio.OrderedKeys(seen)
	types := []string{"WKT"}
	for _, k := range order {
		types = append(types, columns[k].csvtType())
	}
	if err := os.WriteFile(strings.TrimSuffix(s.path, ".csv")+".csvt", []byte(strings.Join(types, ",")+"\n"), 0o644); err != nil {
		return s, err
	}
	f, err := os.Create(s.path)
	if err != nil {
		return s, err
	}
	w := csv.NewWriter(f)
	w.Write(append([]string{"WKT"}, order...))
	record := make([]string, len(order)+1)
	for _, r := range rows {
		record[0] = ""
		if r.Geometry != nil {
			record[0] = wkt.MarshalString(r.Geometry)
		}
		for i, k := range order {
			record[i+1] = ""
			if v := r.Properties[k]; v != nil {
				record[i+1] = valueText(v)
			}
		}
		w.Write(record)
	}
	w.Flush()
	return s, errors.Join(w.Error(), f.Close())
}

// note records a geometry's kind.
func (s *staged) note(g orb.Geometry) {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		s.points = true
	case orb.LineString, orb.MultiLineString:
		s.lines = true
	case orb.Polygon, orb.MultiPolygon:
		s.polygons = true
	}
}
