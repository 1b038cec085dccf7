package geo

import "github.com/paulmach/orb"

// NumPoints is the number of coordinates in g, every ring's closing point
// included.
func NumPoints(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += NumPoints(p)
		}
		return n
	case orb.MultiLineString:
		n := 0
		for _, l := range g {
			n += len(l)
		}
		return n
	case orb.Collection:
		n := 0
		for _, x := range g {
			n += NumPoints(x)
		}
		return n
	}
	return 0
}
