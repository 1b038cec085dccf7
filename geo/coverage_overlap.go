package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Overlaps reports whether the interiors of a and b share ground more than
// eps across: some point lies inside both, at least eps from either
// boundary. Polygons that only touch, or share a boundary up to eps of
// noise, do not overlap. It answers from vertices, edge midpoints, interior
// points and proper edge crossings, so it is fast and needs no overlay; the
// exact shared area, when it matters, is the overlay's job.
func Overlaps(a, b orb.MultiPolygon, eps float64) bool {
	ab, bb := a.Bound(), b.Bound()
	if math.Min(ab.Max[0], bb.Max[0])-math.Max(ab.Min[0], bb.Min[0]) <= eps ||
		math.Min(ab.Max[1], bb.Max[1])-math.Max(ab.Min[1], bb.Min[1]) <= eps {
		return false
	}
	ia, ib := newPolyIndex(a), newPolyIndex(b)
	if ib.anyPoint(ia, eps, inside) || ia.anyPoint(ib, eps, inside) {
		return true
	}
	if p, ok := InteriorPoint(a); ok && ib.locate(p, eps) == inside {
		return true
	}
	if p, ok := InteriorPoint(b); ok && ia.locate(p, eps) == inside {
		return true
	}
	return ia.crosses(ib, eps)
}

// Covers reports whether inner lies within outer up to eps: no part of inner
// reaches more than about eps outside outer (nor into one of its holes).
func Covers(outer, inner orb.MultiPolygon, eps float64) bool {
	if !outer.Bound().Pad(eps).Contains(inner.Bound().Min) || !outer.Bound().Pad(eps).Contains(inner.Bound().Max) {
		return false
	}
	io, ii := newPolyIndex(outer), newPolyIndex(inner)
	// A vertex of inner outside outer, or a vertex of outer (a hole's, say)
	// inside inner, means inner is not covered.
	if io.anyPoint(ii, eps, outside) || ii.anyPoint(io, eps, inside) {
		return false
	}
	return !io.crosses(ii, eps)
}

// Point locations relative to a polygon.
const (
	outside  = -1
	boundary = 0
	inside   = 1
)

// polyIndex buckets a polygon's boundary segments into horizontal strips,
// so point location and crossing tests look at a few segments only.
type polyIndex struct {
	segs   [][2]orb.Point
	bound  orb.Bound
	minY   float64
	height float64 // of one strip
	strips [][]int32
}

func newPolyIndex(mp orb.MultiPolygon) *polyIndex {
	ix := &polyIndex{bound: mp.Bound()}
	eachRingEdge(mp, false, func(a, b orb.Point) { ix.segs = append(ix.segs, [2]orb.Point{a, b}) })
	n := min(max(len(ix.segs)/4, 1), 1024)
	ix.minY = ix.bound.Min[1]
	ix.height = (ix.bound.Max[1] - ix.bound.Min[1]) / float64(n)
	if !(ix.height > 0) {
		n, ix.height = 1, math.Inf(1)
	}
	ix.strips = make([][]int32, n)
	for i, s := range ix.segs {
		lo, hi := ix.strip(math.Min(s[0][1], s[1][1])), ix.strip(math.Max(s[0][1], s[1][1]))
		for k := lo; k <= hi; k++ {
			ix.strips[k] = append(ix.strips[k], int32(i))
		}
	}
	return ix
}

func (ix *polyIndex) strip(y float64) int {
	k := int(math.Floor((y - ix.minY) / ix.height))
	return min(max(k, 0), len(ix.strips)-1)
}

// eachNear calls fn for the segments that may come within eps of the y
// range [y0, y1], each once.
func (ix *polyIndex) eachNear(y0, y1, eps float64, fn func(s [2]orb.Point) bool) bool {
	lo, hi := ix.strip(y0-eps), ix.strip(y1+eps)
	for k := lo; k <= hi; k++ {
		for _, i := range ix.strips[k] {
			s := ix.segs[i]
			// Report a segment only from the first strip both share.
			if first := max(lo, ix.strip(math.Min(s[0][1], s[1][1]))); first != k {
				continue
			}
			if fn(s) {
				return true
			}
		}
	}
	return false
}

// locate says whether p is inside, outside or within eps of the boundary.
func (ix *polyIndex) locate(p orb.Point, eps float64) int {
	if !ix.bound.Pad(eps).Contains(p) {
		return outside
	}
	near := ix.eachNear(p[1], p[1], eps, func(s [2]orb.Point) bool {
		return planar.DistanceFromSegment(s[0], s[1], p) <= eps
	})
	if near {
		return boundary
	}
	// Even-odd ray casting to +x over the segments of p's strip.
	in := false
	for _, i := range ix.strips[ix.strip(p[1])] {
		a, b := ix.segs[i][0], ix.segs[i][1]
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if x > p[0] {
				in = !in
			}
		}
	}
	if in {
		return inside
	}
	return outside
}

// anyPoint reports whether a vertex or edge midpoint of other is located
// where (inside or outside) relative to ix, more than eps from its boundary.
func (ix *polyIndex) anyPoint(other *polyIndex, eps float64, where int) bool {
	check := func(p orb.Point) bool {
		if where == inside && !ix.bound.Contains(p) {
			return false
		}
		return ix.locate(p, eps) == where
	}
	for _, s := range other.segs {
		if check(s[0]) || check(orb.Point{(s[0][0] + s[1][0]) / 2, (s[0][1] + s[1][1]) / 2}) {
			return true
		}
	}
	return false
}

// crosses reports whether a segment of ix properly crosses one of other's:
// every endpoint more than eps off the other segment's line, on opposite
// sides. Near-collinear and touching segments (shared edges, T-junctions)
// never count.
func (ix *polyIndex) crosses(other *polyIndex, eps float64) bool {
	for _, s := range ix.segs {
		sb := orb.Bound{Min: s[0], Max: s[0]}.Extend(s[1])
		if !sb.Intersects(other.bound) {
			continue
		}
		hit := other.eachNear(sb.Min[1], sb.Max[1], 0, func(t [2]orb.Point) bool {
			return crossesBeyond(s[0], s[1], t[0], t[1], eps)
		})
		if hit {
			return true
		}
	}
	return false
}

func crossesBeyond(p1, p2, q1, q2 orb.Point, eps float64) bool {
	side := func(a, b, c orb.Point) float64 { // signed distance of c from line ab
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		return ((b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])) / l
	}
	d1, d2 := side(p1, p2, q1), side(p1, p2, q2)
	if !(math.Abs(d1) > eps && math.Abs(d2) > eps && (d1 > 0) != (d2 > 0)) {
		return false
	}
	d3, d4 := side(q1, q2, p1), side(q1, q2, p2)
	return math.Abs(d3) > eps && math.Abs(d4) > eps && (d3 > 0) != (d4 > 0)
}

// InteriorPoint returns a point inside mp, in the middle of the widest
// horizontal run through its largest part (the approach of GEOS's
// InteriorPointArea). It returns false for a polygon without area.
func InteriorPoint(mp orb.MultiPolygon) (orb.Point, bool) {
	var best orb.Polygon
	bestA := 0.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > bestA {
			best, bestA = p, a
		}
	}
	if best == nil {
		return orb.Point{}, false
	}
	// A scan line half-way between the vertices nearest the middle, so it
	// passes through no vertex.
	b := best.Bound()
	mid := (b.Min[1] + b.Max[1]) / 2
	below, above := b.Min[1], b.Max[1]
	for _, r := range best {
		for _, q := range r {
			if q[1] <= mid && q[1] > below {
				below = q[1]
			}
			if q[1] > mid && q[1] < above {
				above = q[1]
			}
		}
	}
	y := (below + above) / 2
	var xs []float64
	for _, r := range best {
		for j := 0; j+1 < len(r); j++ {
			a, c := r[j], r[j+1]
			if (a[1] > y) != (c[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	found, width := false, 0.0
	var p orb.Point
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			found, width, p = true, w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	return p, found
}
