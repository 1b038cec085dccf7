package geo

import (
	"container/heap"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Width is how thick a polygonal defect is: the larger of the diameter of
// its largest inscribed circle and its mean width 2·area/perimeter. The
// circle answers for compact shapes (a gap with a hairline tail is as wide
// as its body); the mean width is exact for long thin slivers. A tolerance
// decides "thinner than": a gap narrower than the sliver width is a sliver.
//
// The circle is found to within precision with the polylabel search (a
// quadtree of cells ordered by how large a circle they may still hold),
// stopping after a bounded number of cells, so degenerate input cannot make
// it run away (GEOS 3.11's MaximumInscribedCircle can loop on such slivers).
func Width(mp orb.MultiPolygon, precision float64) float64 {
	area, perimeter := 0.0, 0.0
	for _, p := range mp {
		area += math.Abs(planar.Area(p))
		perimeter += planar.Length(p)
	}
	mean := 0.0
	if perimeter > 0 {
		mean = 2 * area / perimeter
	}
	return math.Max(mean, 2*inscribedRadius(mp, precision))
}

// maxCells bounds the polylabel search.
const maxCells = 20000

type labelCell struct {
	c    orb.Point
	h    float64 // half the cell's side
	d    float64 // signed distance from c to the boundary, positive inside
	best float64 // the largest radius a circle centred in the cell may have
}

type cellQueue []labelCell

func (q cellQueue) Len() int           { return len(q) }
func (q cellQueue) Less(i, j int) bool { return q[i].best > q[j].best }
func (q cellQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *cellQueue) Push(x any)        { *q = append(*q, x.(labelCell)) }
func (q *cellQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

func inscribedRadius(mp orb.MultiPolygon, precision float64) float64 {
	b := mp.Bound()
	size := math.Min(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	if !(size > 0) || len(mp) == 0 {
		return 0
	}
	if !(precision > 0) {
		precision = size / 1000
	}
	ix := newPolyIndex(mp)
	cell := func(c orb.Point, h float64) labelCell {
		d := ix.signedDistance(c)
		return labelCell{c: c, h: h, d: d, best: d + h*math.Sqrt2}
	}
	// Square cells as wide as the bound's short side, fewer and larger for
	// a needle (whose circle is tiny anyway), counted in integers so that
	// no step can vanish against large coordinates.
	w, ht := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if math.Ceil(w/size)*math.Ceil(ht/size) > maxCells/4 {
		size = math.Max(w, ht) / (maxCells / 4)
	}
	nx, ny := int(math.Ceil(w/size)), int(math.Ceil(ht/size))
	var q cellQueue
	h := size / 2
	for i := range nx {
		for j := range ny {
			q = append(q, cell(orb.Point{b.Min[0] + (float64(i)+0.5)*size, b.Min[1] + (float64(j)+0.5)*size}, h))
		}
	}
	heap.Init(&q)
	best := 0.0
	if c, ok := InteriorPoint(mp); ok {
		best = math.Max(0, ix.signedDistance(c))
	}
	for n := len(q); q.Len() > 0 && n < maxCells; {
		c := heap.Pop(&q).(labelCell)
		if c.d > best {
			best = c.d
		}
		if c.best-best <= precision {
			continue
		}
		h := c.h / 2
		for _, o := range [4]orb.Point{{-h, -h}, {h, -h}, {-h, h}, {h, h}} {
			heap.Push(&q, cell(orb.Point{c.c[0] + o[0], c.c[1] + o[1]}, h))
			n++
		}
	}
	return best
}

// signedDistance is the distance from p to the nearest boundary segment,
// positive inside, negative outside.
func (ix *polyIndex) signedDistance(p orb.Point) float64 {
	d := math.Inf(1)
	for _, s := range ix.segs {
		d = math.Min(d, planar.DistanceFromSegmentSquared(s[0], s[1], p))
	}
	d = math.Sqrt(d)
	if ix.locate(p, 0) == inside {
		return d
	}
	return -d
}
