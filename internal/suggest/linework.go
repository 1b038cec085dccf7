package suggest

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// alongsideM is how near a vertex must lie to a segment to be taken into
// it, and a street to a boundary to count as running along it. Boundaries
// a round-off apart (a grid's straight edge and the corners of its
// children on it) then node as one, where noding them as they are leaves
// slivers whose orientation not even GEOS can tell.
const alongsideM = 0.01

// Linework is what must be noded into faces, all as lines: the rings of
// the grids, children, edges, glue and building shapes, and the streets
// and lattice lines over the grids' box. Every segment takes in the ring
// vertices it passes within alongsideM of; streets' stretches along a
// ring are left out (they add no cut: the boundary is one already).
func (g *Ground) Linework() []orb.LineString {
	var polygons []orb.MultiPolygon
	polygons = append(polygons, g.Grids...)
	for _, c := range g.Children {
		polygons = append(polygons, c.Geometry)
	}
	polygons = append(append(polygons, g.Glue...), g.Edges...)
	for _, u := range g.Units {
		if u.Shape != nil {
			polygons = append(polygons, u.Shape)
		}
	}
	var rings []orb.LineString
	var vertices []orb.Point
	for _, mp := range polygons {
		for _, p := range mp {
			for _, r := range p {
				rings = append(rings, orb.LineString(r))
				vertices = append(vertices, r...)
			}
		}
	}
	t := taker{vertices: vertices, index: geo.NewPointBuckets(vertices, 4)}
	var out []orb.LineString
	for _, r := range rings {
		out = append(out, t.densify(r))
	}
	ringIndex := geo.NewSnapper(out)
	on := func(p orb.Point) bool { s, ok := ringIndex.Nearest(p); return ok && s.Dist <= alongsideM }
	b := g.bound()
	for _, s := range g.Streets {
		if !s.Bound().Intersects(b) {
			continue
		}
		var cur orb.LineString
		d := t.densify(s)
		for k := 0; k+1 < len(d); k++ {
			p, q := d[k], d[k+1]
			if on(p) && on(q) && on(orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}) {
				if len(cur) >= 2 {
					out = append(out, cur)
				}
				cur = nil
				continue
			}
			if len(cur) == 0 {
				cur = orb.LineString{p}
			}
			cur = append(cur, q)
		}
		if len(cur) >= 2 {
			out = append(out, cur)
		}
	}
	if g.LatticeM > 0 {
		out = append(out, lattice(b, g.LatticeM)...)
	}
	return out
}

// taker puts existing vertices into the segments they lie on.
type taker struct {
	vertices []orb.Point
	index    *geo.PointBuckets
}

// densify returns l with, in each segment, the vertices lying within
// alongsideM of it (and not of its ends) in order along it.
func (t *taker) densify(l orb.LineString) orb.LineString {
	return geo.InsertAlong(l, t.vertices, t.index, alongsideM, func(a, b, v orb.Point) bool {
		return dist2(v, a) > alongsideM*alongsideM && dist2(v, b) > alongsideM*alongsideM && segmentDist(a, b, v) <= alongsideM
	})
}

// segmentDist is the distance from q to segment a-b.
func segmentDist(a, b, q orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, (dx*(q[0]-a[0])+dy*(q[1]-a[1]))/l2))
	}
	return math.Hypot(q[0]-(a[0]+t*dx), q[1]-(a[1]+t*dy))
}

func dist2(a, b orb.Point) float64 { return (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) }
