package geo

import (
	"fmt"

	"github.com/paulmach/orb"
)

// Dissolve merges the faces of s by label into one polygon per label:
// labels[f] in [0, n) puts face f into region labels[f]; -1 leaves it out.
// The result has n polygons, nil for labels no face carries.
//
// A region's rings are traced along the edges whose two sides carry
// different labels, so two regions that touch share the very same vertices,
// one in reverse order of the other. A vertex is dropped only where that is
// exact: it is met by just two region-boundary edges and both lie on the same
// vertical or horizontal line. Because dropping depends on the vertex and not
// on the region, neighbours drop the same vertices, and the vertices a region
// keeps on its parent's boundary lie exactly on the parent's edges.
//
// Each label's faces must be edge-connected (a path of shared edges links
// any two). Where a region touches itself at a point, the ring is split
// there so the enclosed part becomes a hole touching the outer ring at that
// one point, which is what OGC validity asks. The outer ring is
// counter-clockwise and holes are clockwise, as GeoJSON has them.
func (s *Subdivision) Dissolve(labels []int, n int) ([]orb.Polygon, error) {
	if len(labels) != len(s.Faces) {
		return nil, fmt.Errorf("geo: Dissolve needs %d labels, got %d", len(s.Faces), len(labels))
	}
	for f, l := range labels {
		if l < -1 || l >= n {
			return nil, fmt.Errorf("geo: face %d has label %d outside [-1, %d)", f, l, n)
		}
	}
	d := dissolver{s: s, labels: labels, outOut: make([]int, len(s.Points)), deg: make([]uint8, len(s.Points))}
	for v := range d.outOut {
		d.outOut[v] = -1
	}
	for h, e := range s.Edges {
		l := labels[e.Face]
		if e.Twin < 0 {
			d.outOut[e.From] = h
			if l >= 0 {
				d.degree(e)
			}
		} else if m := labels[s.Edges[e.Twin].Face]; h < e.Twin && l != m {
			d.degree(e)
		}
	}

	polys := make([]orb.Polygon, n)
	holes := make([][]orb.Ring, n)
	seen := make([]bool, len(s.Edges))
	stamp := make([]int32, len(s.Points)) // ring number+1 that last visited each vertex
	var vs []int
	for h, e := range s.Edges {
		l := labels[e.Face]
		if seen[h] || !d.boundary(h, l) {
			continue
		}
		vs = vs[:0]
		ringNo := int32(h + 1)
		for g := h; ; {
			seen[g] = true
			v := s.Edges[g].From
			if stamp[v] == ringNo {
				// An edge-connected region never passes a vertex twice in
				// one ring; two parts meeting at a corner do.
				return nil, fmt.Errorf("geo: region %d is not edge-connected (its parts meet at %v)", l, s.Points[v])
			}
			stamp[v] = ringNo
			vs = append(vs, v)
			if g = d.next(g, l); g == h {
				break
			}
		}
		r := d.ring(vs)
		if ringArea2(r) > 0 {
			if polys[l] != nil {
				return nil, fmt.Errorf("geo: region %d is not edge-connected", l)
			}
			polys[l] = orb.Polygon{r}
		} else {
			holes[l] = append(holes[l], r)
		}
	}
	for l := range polys {
		if len(holes[l]) > 0 && polys[l] == nil {
			return nil, fmt.Errorf("geo: region %d has holes but no outer ring", l)
		}
		polys[l] = append(polys[l], holes[l]...)
	}
	return polys, nil
}

type dissolver struct {
	s      *Subdivision
	labels []int
	outOut []int   // per vertex: the boundary half-edge leaving it, or -1
	deg    []uint8 // per vertex: region-boundary edges meeting there (capped)
}

func (d *dissolver) degree(e HalfEdge) {
	for _, v := range [2]int{e.From, e.To} {
		if d.deg[v] < 255 {
			d.deg[v]++
		}
	}
}

// boundary reports whether half-edge h bounds region l, which lies on its left.
func (d *dissolver) boundary(h, l int) bool {
	if l < 0 {
		return false
	}
	t := d.s.Edges[h].Twin
	return t < 0 || d.labels[d.s.Edges[t].Face] != l
}

// ccw returns the outgoing half-edge that follows outgoing half-edge o
// counter-clockwise around its start, skipping the outside of the polygon.
func (d *dissolver) ccw(o int) int {
	e := d.s.Edges[o]
	if t := d.s.Edges[e.Prev].Twin; t >= 0 {
		return t
	}
	return d.outOut[e.From]
}

// next returns the boundary half-edge of region l that follows g. Turning
// counter-clockwise from the way back, it takes the first edge with l on its
// left: the ring keeps the ground outside l tightly on its right, so where l
// touches itself at a vertex the ring is split around the enclosed ground
// (a hole) rather than crossing over into a self-touching ring.
func (d *dissolver) next(g, l int) int {
	e := d.s.Edges[g]
	c := d.outOut[e.To]
	if e.Twin >= 0 {
		c = d.ccw(e.Twin)
	}
	for d.labels[d.s.Edges[c].Face] != l {
		c = d.ccw(c)
	}
	return c
}

// ring turns a cycle of vertices into a closed ring, dropping the vertices
// that lie between two collinear axis-parallel boundary edges and meet no
// other boundary edge.
func (d *dissolver) ring(vs []int) orb.Ring {
	pts := d.s.Points
	r := make(orb.Ring, 0, len(vs)+1)
	for k, v := range vs {
		if d.deg[v] == 2 {
			p, q, n := pts[vs[(k+len(vs)-1)%len(vs)]], pts[v], pts[vs[(k+1)%len(vs)]]
			if (p[0] == q[0] && q[0] == n[0]) || (p[1] == q[1] && q[1] == n[1]) {
				continue
			}
		}
		r = append(r, pts[v])
	}
	return append(r, r[0])
}

// ringArea2 returns twice the signed area of closed ring r (positive when
// counter-clockwise), measured from its first point to limit round-off.
func ringArea2(r orb.Ring) float64 {
	a := 0.0
	for k := 1; k+1 < len(r); k++ {
		p, q := sub(r[k], r[0]), sub(r[k+1], r[0])
		a += p[0]*q[1] - q[0]*p[1]
	}
	return a
}
