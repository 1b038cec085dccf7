package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// CloseJunctions puts into every edge of the given shapes and lines each
// vertex of any of them that lies within tol of the edge without being
// one of its ends, in order along the edge. Coverages built in one
// coordinate system and read in another have such T-junctions: a parent's
// straight edge and its child's edge along it with one more vertex, a
// round-off apart. Noded as they are, the two lines would enclose slivers
// a fraction of a millimetre wide; closed, they are the same line. Shapes
// and lines come back as copies, in the order given.
func CloseJunctions(shapes []orb.MultiPolygon, lines []orb.LineString, tol float64) ([]orb.MultiPolygon, []orb.LineString) {
	var pts []orb.Point
	seen := map[orb.Point]bool{}
	add := func(p orb.Point) {
		if !seen[p] {
			seen[p] = true
			pts = append(pts, p)
		}
	}
	for _, s := range shapes {
		for _, p := range s {
			for _, r := range p {
				for _, q := range r {
					add(q)
				}
			}
		}
	}
	for _, l := range lines {
		for _, q := range l {
			add(q)
		}
	}
	idx := NewPointBuckets(pts, 4)
	var buf []int32
	path := func(l []orb.Point) []orb.Point {
		out := make([]orb.Point, 0, len(l))
		for k := 0; k+1 < len(l); k++ {
			a, b := l[k], l[k+1]
			out = append(out, a)
			var on []orb.Point
			buf = idx.InBound(orb.Bound{Min: a, Max: a}.Extend(b).Pad(tol), buf[:0])
			for _, i := range buf {
				v := pts[i]
				if math.Hypot(v[0]-a[0], v[1]-a[1]) > tol && math.Hypot(v[0]-b[0], v[1]-b[1]) > tol && SegmentDistance(a, b, v) <= tol {
					on = append(on, v)
				}
			}
			slices.SortFunc(on, func(x, y orb.Point) int {
				return cmp.Compare(math.Hypot(x[0]-a[0], x[1]-a[1]), math.Hypot(y[0]-a[0], y[1]-a[1]))
			})
			out = append(out, on...)
		}
		if len(l) > 0 {
			out = append(out, l[len(l)-1])
		}
		return out
	}
	outShapes := make([]orb.MultiPolygon, len(shapes))
	for i, s := range shapes {
		outShapes[i] = make(orb.MultiPolygon, len(s))
		for j, p := range s {
			outShapes[i][j] = make(orb.Polygon, len(p))
			for k, r := range p {
				outShapes[i][j][k] = orb.Ring(path(r))
			}
		}
	}
	outLines := make([]orb.LineString, len(lines))
	for i, l := range lines {
		outLines[i] = orb.LineString(path(l))
	}
	return outShapes, outLines
}

// SegmentDistance is the distance from p to segment a-b.
func SegmentDistance(a, b, p orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}
