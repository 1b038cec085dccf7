package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The real data the demo district is built on; see data/ATTRIBUTION.md.
var (
	//go:embed data/erqi_boundary.geojson
	erqiBoundary []byte
	//go:embed data/erqi_divisions.csv
	erqiDivisions []byte
)

// Division is one row of the statistical division table: the district, a
// street (街道/镇/乡) or a community (社区/村).
type Division struct {
	Code, Parent, Name string
	Level              string // district, street or community
	// Point is the division's seat, when known (HasPoint): WGS84 lon/lat as
	// returned by Erqi, metric once the caller has projected it.
	Point    orb.Point
	HasPoint bool
}

// Erqi returns the embedded real data: the outline of 二七区 in WGS84 lon/lat
// and its division rows (district, 16 streets, 161 communities).
func Erqi() (outline orb.Polygon, divisions []Division, err error) {
	fc, err := geojson.UnmarshalFeatureCollection(erqiBoundary)
	if err != nil {
		return nil, nil, fmt.Errorf("demo: erqi_boundary.geojson: %w", err)
	}
	if len(fc.Features) != 1 {
		return nil, nil, fmt.Errorf("demo: erqi_boundary.geojson: want 1 feature, got %d", len(fc.Features))
	}
	outline, ok := fc.Features[0].Geometry.(orb.Polygon)
	if !ok {
		return nil, nil, fmt.Errorf("demo: erqi_boundary.geojson: want a Polygon, got %s", fc.Features[0].Geometry.GeoJSONType())
	}
	rows, err := csv.NewReader(bytes.NewReader(erqiDivisions)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("demo: erqi_divisions.csv: %w", err)
	}
	for i, row := range rows[1:] {
		if len(row) != 6 {
			return nil, nil, fmt.Errorf("demo: erqi_divisions.csv line %d: want 6 fields", i+2)
		}
		d := Division{Code: row[0], Parent: row[1], Name: row[2], Level: row[3]}
		if row[4] != "" {
			lon, err1 := strconv.ParseFloat(row[4], 64)
			lat, err2 := strconv.ParseFloat(row[5], 64)
			if err1 != nil || err2 != nil {
				return nil, nil, fmt.Errorf("demo: erqi_divisions.csv line %d: bad lon/lat", i+2)
			}
			d.Point, d.HasPoint = orb.Point{lon, lat}, true
		}
		divisions = append(divisions, d)
	}
	return outline, divisions, nil
}
