package geo

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// InsertAlong returns the path l (a line, or a closed ring) with, in each
// segment a-b, the points of pts that on(a, b, q) accepts, in order along
// the segment: existing vertices a line must pass through to share its
// edges, vertex for vertex, with what it runs along. idx indexes pts; each
// segment's box is padded by pad to find the candidates. Repeated points
// are put in once.
func InsertAlong(l []orb.Point, pts []orb.Point, idx *PointBuckets, pad float64, on func(a, b, q orb.Point) bool) []orb.Point {
	out := make([]orb.Point, 0, len(l))
	var buf []int32
	for k := 0; k+1 < len(l); k++ {
		a, b := l[k], l[k+1]
		out = append(out, a)
		buf = idx.InBound(orb.Bound{Min: a, Max: a}.Extend(b).Pad(pad), buf[:0])
		var found []orb.Point
		for _, i := range buf {
			if q := pts[i]; on(a, b, q) {
				found = append(found, q)
			}
		}
		d2 := func(q orb.Point) float64 { return (q[0]-a[0])*(q[0]-a[0]) + (q[1]-a[1])*(q[1]-a[1]) }
		slices.SortFunc(found, func(x, y orb.Point) int { return cmp.Compare(d2(x), d2(y)) })
		out = append(out, slices.Compact(found)...)
	}
	if len(l) > 0 {
		out = append(out, l[len(l)-1])
	}
	return out
}

// ComparePoints orders points by x, then y.
func ComparePoints(a, b orb.Point) int { return comparePoints(a, b) }

// Collinear reports whether q lies between p and n on their line, to the
// relative tolerance Faces.Dissolve drops noded vertices by.
func Collinear(p, q, n orb.Point) bool { return collinear(p, q, n) }
