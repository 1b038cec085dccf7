package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// topoGraph splits polygon rings into shared arcs.
type topoGraph struct {
	polys []orb.MultiPolygon
	arcs  []topoArc
	rings []topoRing
}

// topoArcRef is an arc as one ring walks it.
type topoArcRef struct {
	arc int
	rev bool
}

// topoRing is one ring of one polygon part, as arcs; a ring too small to
// split (fewer than three distinct points) has none and is kept as it is.
type topoRing struct {
	poly, part, ring int
	arcs             []topoArcRef
	area             float64 // signed area of the original
}

func topoLess(p, q orb.Point) bool { return p[0] < q[0] || p[0] == q[0] && p[1] < q[1] }

func topoLessPair(a, b [2]orb.Point) bool {
	return topoLess(a[0], b[0]) || a[0] == b[0] && topoLess(a[1], b[1])
}

// topoOpenRing drops consecutive duplicates and the closing point.
func topoOpenRing(r orb.Ring) []orb.Point {
	out := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	return out
}

func newTopoGraph(polys []orb.MultiPolygon) *topoGraph {
	t := &topoGraph{polys: polys}
	// A junction is a point with other than two distinct neighbours along
	// the boundaries through it.
	nb := map[orb.Point][]orb.Point{}
	add := func(p, q orb.Point) {
		for _, x := range nb[p] {
			if x == q {
				return
			}
		}
		nb[p] = append(nb[p], q)
	}
	for _, mp := range polys {
		for _, poly := range mp {
			for _, r := range poly {
				o := topoOpenRing(r)
				for k := range o {
					if len(o) < 2 {
						break
					}
					a, b := o[k], o[(k+1)%len(o)]
					add(a, b)
					add(b, a)
				}
			}
		}
	}
	junction := func(p orb.Point) bool { return len(nb[p]) != 2 }
	byKey := map[[2]orb.Point]int{}
	// emit files an arc under its canonical direction and returns the ref.
	emit := func(pts []orb.Point, closed bool) topoArcRef {
		fwd := [2]orb.Point{pts[0], pts[1]}
		rev := [2]orb.Point{pts[len(pts)-1], pts[len(pts)-2]}
		ref := topoArcRef{}
		if topoLessPair(rev, fwd) {
			ref.rev = true
			fwd = rev
		}
		if i, ok := byKey[fwd]; ok {
			ref.arc = i
			return ref
		}
		c := make([]orb.Point, len(pts))
		copy(c, pts)
		if ref.rev {
			for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
				c[i], c[j] = c[j], c[i]
			}
		}
		byKey[fwd] = len(t.arcs)
		ref.arc = len(t.arcs)
		t.arcs = append(t.arcs, topoArc{pts: c})
		return ref
	}
	for pi, mp := range polys {
		for qi, poly := range mp {
			for ri, r := range poly {
				rr := topoRing{poly: pi, part: qi, ring: ri, area: SignedArea(r)}
				o := topoOpenRing(r)
				if len(o) >= 3 {
					rr.arcs = topoSplitRing(o, junction, emit)
				}
				t.rings = append(t.rings, rr)
			}
		}
	}
	return t
}

// topoSplitRing cuts an open ring into arcs at its junctions; a ring without
// junctions is one closed arc, started at its least point and walked
// towards its lesser neighbour, so both rings along it agree.
func topoSplitRing(o []orb.Point, junction func(orb.Point) bool, emit func([]orb.Point, bool) topoArcRef) []topoArcRef {
	n := len(o)
	start := -1
	for i, p := range o {
		if junction(p) {
			start = i
			break
		}
	}
	if start < 0 {
		m := 0
		for i, p := range o {
			if topoLess(p, o[m]) {
				m = i
			}
		}
		pts := make([]orb.Point, 0, n+1)
		for k := 0; k <= n; k++ {
			pts = append(pts, o[(m+k)%n])
		}
		return []topoArcRef{emit(pts, true)}
	}
	var refs []topoArcRef
	cur := []orb.Point{o[start]}
	for k := 1; k <= n; k++ {
		p := o[(start+k)%n]
		cur = append(cur, p)
		if k == n || junction(p) {
			refs = append(refs, emit(cur, false))
			cur = []orb.Point{p}
		}
	}
	return refs
}

// ringPoints is a ring as its arcs now stand, closed.
func (t *topoGraph) ringPoints(rr topoRing) orb.Ring {
	var out orb.Ring
	for _, ref := range rr.arcs {
		a := &t.arcs[ref.arc]
		for k := range a.pts {
			i := k
			if ref.rev {
				i = len(a.pts) - 1 - k
			}
			if !a.keep[i] {
				continue
			}
			if p := a.pts[i]; len(out) == 0 || out[len(out)-1] != p {
				out = append(out, p)
			}
		}
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// collapsedRings lists the arcs of rings that fell below a triangle or
// turned inside out.
func (t *topoGraph) collapsedRings() map[int]bool {
	bad := map[int]bool{}
	for _, rr := range t.rings {
		if rr.arcs == nil {
			continue
		}
		r := t.ringPoints(rr)
		a := SignedArea(r)
		if len(r) < 4 || a == 0 || (a > 0) != (rr.area > 0) {
			for _, ref := range rr.arcs {
				if t.arcs[ref.arc].tol > 0 {
					bad[ref.arc] = true
				}
			}
		}
	}
	return bad
}

// rebuild assembles the polygons from the simplified arcs.
func (t *topoGraph) rebuild() []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(t.polys))
	for i, mp := range t.polys {
		out[i] = make(orb.MultiPolygon, len(mp))
		for j, p := range mp {
			out[i][j] = make(orb.Polygon, len(p))
		}
	}
	for _, rr := range t.rings {
		r := t.polys[rr.poly][rr.part][rr.ring]
		if rr.arcs != nil {
			r = t.ringPoints(rr)
		}
		out[rr.poly][rr.part][rr.ring] = r
	}
	return out
}

// topoSegment is one simplified edge of an arc; fresh when it stands in
// for dropped vertices (an original edge cannot conflict with another).
type topoSegment struct {
	a, b  orb.Point
	arc   int
	fresh bool
}

// crossingArcs lists the arcs whose simplified segments cross or touch
// segments of other arcs (or of themselves), found through a uniform grid.
func (t *topoGraph) crossingArcs() map[int]bool {
	var segs []topoSegment
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	anyFresh := false
	for i := range t.arcs {
		a := &t.arcs[i]
		prev := -1
		for k := range a.pts {
			if !a.keep[k] {
				continue
			}
			bound = bound.Extend(a.pts[k])
			if prev >= 0 {
				fresh := k > prev+1
				anyFresh = anyFresh || fresh
				segs = append(segs, topoSegment{a.pts[prev], a.pts[k], i, fresh})
			}
			prev = k
		}
	}
	bad := map[int]bool{}
	if len(segs) < 2 || !anyFresh {
		return bad
	}
	w, h := bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]
	// About two segments per cell.
	cell := math.Max(math.Sqrt(w*h/float64(len(segs)))*1.5, (w+h)/float64(len(segs)))
	if cell == 0 {
		cell = 1
	}
	cols, rows := int(w/cell)+1, int(h/cell)+1
	cells := make([][]int32, cols*rows)
	span := func(lo, hi, min float64, n int) (int, int) {
		return min2(int((lo-min)/cell), n-1), min2(int((hi-min)/cell), n-1)
	}
	for i, s := range segs {
		x0, x1 := span(math.Min(s.a[0], s.b[0]), math.Max(s.a[0], s.b[0]), bound.Min[0], cols)
		y0, y1 := span(math.Min(s.a[1], s.b[1]), math.Max(s.a[1], s.b[1]), bound.Min[1], rows)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				c := &cells[y*cols+x]
				for _, j := range *c {
					u := segs[j]
					if (s.fresh || u.fresh) && topoConflict(s, u) {
						bad[s.arc], bad[u.arc] = true, true
					}
				}
				*c = append(*c, int32(i))
			}
		}
	}
	for a := range bad {
		if t.arcs[a].tol == 0 {
			delete(bad, a) // already original: nothing left to refine
		}
	}
	return bad
}

func min2(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func topoOrient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// topoOnSegment reports whether p, collinear with ab, lies within it.
func topoOnSegment(p, a, b orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// topoConflict reports two segments that cross, touch away from a shared end,
// fold onto each other from a shared end, or coincide.
func topoConflict(s, u topoSegment) bool {
	shared := 0
	var p, q1, q2 orb.Point
	switch {
	case s.a == u.a:
		shared, p, q1, q2 = shared+1, s.a, s.b, u.b
	case s.a == u.b:
		shared, p, q1, q2 = shared+1, s.a, s.b, u.a
	}
	switch {
	case s.b == u.a:
		shared, p, q1, q2 = shared+1, s.b, s.a, u.b
	case s.b == u.b:
		shared, p, q1, q2 = shared+1, s.b, s.a, u.a
	}
	if shared == 2 {
		return true // the same topoSegment twice: the face between collapsed
	}
	if shared == 1 {
		// A fold: both go the same way from the shared end.
		return topoOrient(p, q1, q2) == 0 && (q1[0]-p[0])*(q2[0]-p[0])+(q1[1]-p[1])*(q2[1]-p[1]) > 0
	}
	o1, o2 := topoOrient(s.a, s.b, u.a), topoOrient(s.a, s.b, u.b)
	o3, o4 := topoOrient(u.a, u.b, s.a), topoOrient(u.a, u.b, s.b)
	if (o1 > 0 && o2 < 0 || o1 < 0 && o2 > 0) && (o3 > 0 && o4 < 0 || o3 < 0 && o4 > 0) {
		return true
	}
	return o1 == 0 && topoOnSegment(u.a, s.a, s.b) || o2 == 0 && topoOnSegment(u.b, s.a, s.b) ||
		o3 == 0 && topoOnSegment(s.a, u.a, u.b) || o4 == 0 && topoOnSegment(s.b, u.a, u.b)
}
