package geojsonio

import (
	"io"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// ReadBoundary reads a plan outline: a GeoJSON FeatureCollection (or
// Feature) whose Polygon and MultiPolygon features together form it. Its
// geometry is checked like a grid's, with the same one-line errors.
func ReadBoundary(r io.Reader, file string) (orb.MultiPolygon, error) {
	var out orb.MultiPolygon
	_, err := readFeatures(r, Source{File: file}, func(i int, raw *rawFeature) error {
		g, problem := raw.geometry("Polygon", "MultiPolygon")
		if problem != "" {
			return featureError(file, i, "geometry", problem)
		}
		switch g := g.(type) {
		case orb.Polygon:
			out = append(out, g)
		case orb.MultiPolygon:
			out = append(out, g...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: no polygon in the boundary file", file)
	}
	return out, nil
}
