package geo

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Faces is a planar arrangement: polygons that cover ground without
// overlapping and meet along edges with bit-identical end points, as
// PostGIS's ST_Polygonize returns them from noded linework. It is what
// edits are built on: each face is labelled with the grid it goes to, and
// [Faces.Dissolve] traces each label's outline along the edges between
// differently labelled faces, so neighbouring results share every vertex.
type Faces struct {
	Polygons []orb.Polygon
	// left maps a directed edge to the face on its left; an edge's
	// reverse names the face on its right (absent: outside every face).
	left map[edge]int
}

type edge struct{ from, to orb.Point }

// NewFaces builds the arrangement of polygons, orienting their rings
// (outer counter-clockwise, holes clockwise). It refuses polygons that
// overlap along an edge, which a noded arrangement never has.
func NewFaces(polygons []orb.Polygon) (*Faces, error) {
	f := &Faces{Polygons: make([]orb.Polygon, len(polygons)), left: map[edge]int{}}
	for i, p := range polygons {
		q := make(orb.Polygon, len(p))
		for k, r := range p {
			r = slices.Clone(r)
			if ccw := ringArea2(r) > 0; ccw != (k == 0) {
				slices.Reverse(r)
			}
			q[k] = r
			for j := 0; j+1 < len(r); j++ {
				e := edge{r[j], r[j+1]}
				if e.from == e.to {
					continue
				}
				if other, dup := f.left[e]; dup {
					return nil, fmt.Errorf("geo: faces %d and %d overlap along the edge %v-%v", other, i, e.from, e.to)
				}
				f.left[e] = i
			}
		}
		f.Polygons[i] = q
	}
	return f, nil
}

// FaceLeftOf returns the face on the left of the directed edge p-q.
func (f *Faces) FaceLeftOf(p, q orb.Point) (int, bool) {
	i, ok := f.left[edge{p, q}]
	return i, ok
}

// Neighbours returns, for face i, the length of edge it shares with each
// other face, and with the outside under key -1. Lengths are planar with
// x scaled by xScale (cos(latitude) makes degrees of longitude comparable
// with degrees of latitude).
func (f *Faces) Neighbours(i int, xScale float64) map[int]float64 {
	out := map[int]float64{}
	for _, r := range f.Polygons[i] {
		for j := 0; j+1 < len(r); j++ {
			a, b := r[j], r[j+1]
			if a == b {
				continue
			}
			other, ok := f.left[edge{b, a}]
			if !ok {
				other = -1
			}
			out[other] += math.Hypot((b[0]-a[0])*xScale, b[1]-a[1])
		}
	}
	return out
}

// Dissolve merges the faces by label: labels[i] in [0, n) puts face i into
// region labels[i]; -1 leaves it out. Each region's rings are traced along
// the edges whose two sides carry different labels, keeping every vertex
// except those drop accepts where only two boundary edges meet and they are
// collinear (nodes that noding left on a straight edge): the decision is
// the vertex's, so neighbours keep and drop the same vertices. A region in
// several pieces comes back as several polygons. Outer rings are
// counter-clockwise, holes clockwise.
func (f *Faces) Dissolve(labels []int, n int, drop func(orb.Point) bool) ([]orb.MultiPolygon, error) {
	if len(labels) != len(f.Polygons) {
		return nil, fmt.Errorf("geo: Dissolve needs %d labels, got %d", len(f.Polygons), len(labels))
	}
	labelOf := func(e edge) int {
		if face, ok := f.left[e]; ok {
			return labels[face]
		}
		return -1
	}
	// The boundary half-edges of each region, and how many boundary edges
	// (of any region) meet at each vertex.
	out := make([]map[orb.Point][]orb.Point, n)
	degree := map[orb.Point]int{}
	for e, face := range f.left {
		l := labels[face]
		if l < -1 || l >= n {
			return nil, fmt.Errorf("geo: face %d has label %d outside [-1, %d)", face, l, n)
		}
		r := labelOf(edge{e.to, e.from})
		if l == r {
			continue
		}
		if l >= 0 {
			if out[l] == nil {
				out[l] = map[orb.Point][]orb.Point{}
			}
			out[l][e.from] = append(out[l][e.from], e.to)
		}
		// Count each undirected boundary edge once.
		if _, twin := f.left[edge{e.to, e.from}]; !twin || comparePoints(e.from, e.to) < 0 {
			degree[e.from]++
			degree[e.to]++
		}
	}
	result := make([]orb.MultiPolygon, n)
	for l, next := range out {
		rings, err := traceRings(next)
		if err != nil {
			return nil, fmt.Errorf("geo: region %d: %w", l, err)
		}
		for k, r := range rings {
			rings[k] = dropNodes(r, degree, drop)
		}
		result[l] = assemble(rings)
	}
	return result, nil
}

// traceRings chains the directed boundary edges of one region into closed
// rings. Where several leave one vertex (the region touches itself there),
// it takes the first clockwise from the way it came, which keeps each ring
// tight around its own piece of ground.
func traceRings(next map[orb.Point][]orb.Point) ([]orb.Ring, error) {
	used := map[edge]bool{}
	starts := make([]orb.Point, 0, len(next))
	total := 0
	for p, ts := range next {
		starts = append(starts, p)
		total += len(ts)
	}
	// A fixed order makes the rings (and their first points) deterministic.
	slices.SortFunc(starts, comparePoints)
	var rings []orb.Ring
	for _, s := range starts {
		for _, t := range next[s] {
			if used[edge{s, t}] {
				continue
			}
			ring := orb.Ring{s}
			from, at := s, t
			used[edge{s, t}] = true
			for steps := 0; at != s; steps++ {
				if steps > total {
					return nil, fmt.Errorf("boundary does not close at %v", at)
				}
				ring = append(ring, at)
				to, ok := turn(from, at, next[at], used)
				if !ok {
					return nil, fmt.Errorf("boundary breaks off at %v", at)
				}
				used[edge{at, to}] = true
				from, at = at, to
			}
			rings = append(rings, splitRing(append(ring, s))...)
		}
	}
	return rings, nil
}

// splitRing cuts a closed ring that passes a vertex more than once into
// simple rings: where the region touches itself at a point (a hole
// touching its outer ring, or two pieces meeting at a corner), OGC
// validity wants separate rings that meet there.
func splitRing(r orb.Ring) []orb.Ring {
	var out []orb.Ring
	var path []orb.Point
	at := map[orb.Point]int{}
	for _, p := range r[:len(r)-1] {
		if i, seen := at[p]; seen {
			loop := append(slices.Clone(path[i:]), p)
			out = append(out, loop)
			for _, q := range path[i+1:] {
				delete(at, q)
			}
			path = path[:i+1]
			continue
		}
		at[p] = len(path)
		path = append(path, p)
	}
	return append(out, append(path, path[0]))
}

// turn picks, among the unused edges leaving at, the first clockwise from
// the direction back to from.
func turn(from, at orb.Point, candidates []orb.Point, used map[edge]bool) (orb.Point, bool) {
	back := math.Atan2(from[1]-at[1], from[0]-at[0])
	best, bestAngle, found := orb.Point{}, math.Inf(1), false
	for _, c := range candidates {
		if used[edge{at, c}] {
			continue
		}
		a := back - math.Atan2(c[1]-at[1], c[0]-at[0]) // clockwise from back
		for a <= 0 {
			a += 2 * math.Pi
		}
		for a > 2*math.Pi {
			a -= 2 * math.Pi
		}
		if a < bestAngle {
			best, bestAngle, found = c, a, true
		}
	}
	return best, found
}

// dropNodes removes the vertices of r that drop accepts, where exactly two
// boundary edges meet and the vertex lies on the straight line between its
// neighbours (to round-off).
func dropNodes(r orb.Ring, degree map[orb.Point]int, drop func(orb.Point) bool) orb.Ring {
	if drop == nil {
		return r
	}
	pts := r[:len(r)-1]
	keep := make(orb.Ring, 0, len(r))
	for k, q := range pts {
		p, n := pts[(k+len(pts)-1)%len(pts)], pts[(k+1)%len(pts)]
		if degree[q] == 2 && drop(q) && collinear(p, q, n) {
			continue
		}
		keep = append(keep, q)
	}
	if len(keep) < 3 {
		return r
	}
	return append(keep, keep[0])
}

// collinear reports whether q lies between p and n on their line, to a
// relative tolerance far below any planner's drawing and far above the
// round-off of a computed crossing.
func collinear(p, q, n orb.Point) bool {
	dx, dy := n[0]-p[0], n[1]-p[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return false
	}
	cross := dx*(q[1]-p[1]) - dy*(q[0]-p[0])
	t := (dx*(q[0]-p[0]) + dy*(q[1]-p[1])) / l2
	return math.Abs(cross) <= 1e-9*l2 && t > 0 && t < 1
}

// assemble makes polygons of outer rings (counter-clockwise) and puts each
// hole in the outer ring that contains it.
func assemble(rings []orb.Ring) orb.MultiPolygon {
	var mp orb.MultiPolygon
	var holes []orb.Ring
	for _, r := range rings {
		if ringArea2(r) > 0 {
			mp = append(mp, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		probe := orb.Point{(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2}
		best := -1
		for i, p := range mp {
			if planar.RingContains(p[0], probe) && (best < 0 || math.Abs(ringArea2(p[0])) < math.Abs(ringArea2(mp[best][0]))) {
				best = i
			}
		}
		if best >= 0 {
			mp[best] = append(mp[best], h)
		}
	}
	slices.SortFunc(mp, func(a, b orb.Polygon) int { return comparePoints(a[0][0], b[0][0]) })
	return mp
}

func comparePoints(a, b orb.Point) int {
	switch {
	case a[0] < b[0]:
		return -1
	case a[0] > b[0]:
		return 1
	case a[1] < b[1]:
		return -1
	case a[1] > b[1]:
		return 1
	}
	return 0
}
