package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Where a point lies relative to a polygon.
const (
	pipOutside  = -1
	pipBoundary = 0
	pipInside   = 1
)

// pipEdge is one ring segment from (ax, ay) to (bx, by).
type pipEdge struct{ ax, ay, bx, by float64 }

// pipPolygon is a polygon prepared for repeated point-in-polygon tests: its
// ring segments, and for big polygons an index of them by horizontal slab,
// so a test reads only the segments whose y-range holds the point's y
// rather than all of them (a street outline has 1,500 vertices).
type pipPolygon struct {
	bound orb.Bound
	edges []pipEdge
	// Slab index: slab s covers y in [minY+s*h, minY+(s+1)*h) and lists
	// every edge whose closed y-range meets it.
	h         float64
	nslab     int
	slabStart []int32
	slabEdges []int32
}

// slabEdgesPerSlab is the average number of segments per slab a big
// polygon's index aims at; polygons with fewer segments than pipSlabMin
// are scanned whole, which is faster than any index for them.
const (
	slabEdgesPerSlab = 4
	pipSlabMin       = 24
)

func pipPrepare(mp orb.MultiPolygon) *pipPolygon {
	p := &pipPolygon{bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	n := 0
	for _, poly := range mp {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	p.edges = make([]pipEdge, 0, n)
	for _, poly := range mp {
		for _, ring := range poly {
			for i, a := range ring {
				// The bound inline: orb's Bound costs as much as the rest.
				p.bound.Min[0], p.bound.Min[1] = min(p.bound.Min[0], a[0]), min(p.bound.Min[1], a[1])
				p.bound.Max[0], p.bound.Max[1] = max(p.bound.Max[0], a[0]), max(p.bound.Max[1], a[1])
				if i+1 == len(ring) || a == ring[i+1] {
					continue
				}
				b := ring[i+1]
				p.edges = append(p.edges, pipEdge{a[0], a[1], b[0], b[1]})
			}
		}
	}
	if len(p.edges) < pipSlabMin || !(p.bound.Max[1] > p.bound.Min[1]) {
		return p
	}
	n = len(p.edges) / slabEdgesPerSlab
	p.nslab, p.h = n, (p.bound.Max[1]-p.bound.Min[1])/float64(n)
	counts := make([]int32, n+1)
	for _, e := range p.edges {
		lo, hi := p.slabRange(e)
		for s := lo; s <= hi; s++ {
			counts[s+1]++
		}
	}
	for s := 1; s <= n; s++ {
		counts[s] += counts[s-1]
	}
	p.slabStart = counts
	p.slabEdges = make([]int32, counts[n])
	next := make([]int32, n)
	copy(next, counts[:n])
	for i, e := range p.edges {
		lo, hi := p.slabRange(e)
		for s := lo; s <= hi; s++ {
			p.slabEdges[next[s]] = int32(i)
			next[s]++
		}
	}
	return p
}

// slab is the slab holding y. Because it is monotone in y, an edge whose
// y-range holds y is registered in slab(y).
func (p *pipPolygon) slab(y float64) int {
	s := int(math.Floor((y - p.bound.Min[1]) / p.h))
	return min(max(s, 0), p.nslab-1)
}

func (p *pipPolygon) slabRange(e pipEdge) (int, int) {
	lo, hi := p.slab(min(e.ay, e.by)), p.slab(max(e.ay, e.by))
	return lo, hi
}

// locate says whether q is inside, on the boundary of or outside the
// polygon, by counting crossings of the ray from q towards +x (even-odd, so
// holes and multiple parts need no special case). A point exactly on a
// segment is on the boundary.
func (p *pipPolygon) locate(q orb.Point) int {
	if q[0] < p.bound.Min[0] || q[0] > p.bound.Max[0] || q[1] < p.bound.Min[1] || q[1] > p.bound.Max[1] {
		return pipOutside
	}
	inside := false
	if p.slabStart == nil {
		for i := range p.edges {
			switch pipCross(&p.edges[i], q) {
			case pipCrossBoundary:
				return pipBoundary
			case pipCrossYes:
				inside = !inside
			}
		}
	} else {
		s := p.slab(q[1])
		for _, i := range p.slabEdges[p.slabStart[s]:p.slabStart[s+1]] {
			switch pipCross(&p.edges[i], q) {
			case pipCrossBoundary:
				return pipBoundary
			case pipCrossYes:
				inside = !inside
			}
		}
	}
	if inside {
		return pipInside
	}
	return pipOutside
}

const (
	pipCrossNo = iota
	pipCrossYes
	pipCrossBoundary
)

// pipCross tests the ray from q towards +x against one segment. The
// half-open rule (a segment counts when exactly one end lies strictly above
// q) counts a ray through a vertex once.
func pipCross(e *pipEdge, q orb.Point) int {
	if (q[1] < e.ay && q[1] < e.by) || (q[1] > e.ay && q[1] > e.by) {
		return pipCrossNo
	}
	// q's y is within the segment's closed y-range.
	cross := (e.bx-e.ax)*(q[1]-e.ay) - (q[0]-e.ax)*(e.by-e.ay)
	if cross == 0 && q[0] >= min(e.ax, e.bx) && q[0] <= max(e.ax, e.bx) {
		return pipCrossBoundary
	}
	if (e.ay > q[1]) != (e.by > q[1]) && (cross > 0) == (e.by > e.ay) {
		return pipCrossYes
	}
	return pipCrossNo
}
