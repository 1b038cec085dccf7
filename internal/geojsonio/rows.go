package geojsonio

import (
	"io"

	"github.com/paulmach/orb"
)

// Rows streams features as rows for callers that know the columns (a plan
// bundle's tables): each feature's properties, normalized as the source
// says, and its geometry of any type, nil when null. The geometry is
// checked as an import checks it.
func (src Source) Rows(r io.Reader, fn func(index int, props map[string]any, geom orb.Geometry) error) error {
	_, err := readFeatures(r, src, func(i int, raw *rawFeature) error {
		var geom orb.Geometry
		if len(raw.Geometry) > 0 && string(raw.Geometry) != "null" {
			g, problem := raw.geometry("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
			if problem != "" {
				return featureError(src.File, i, "geometry", problem)
			}
			geom = g
		}
		if raw.Properties == nil {
			raw.Properties = map[string]any{}
		}
		return fn(i, raw.Properties, geom)
	})
	return err
}
