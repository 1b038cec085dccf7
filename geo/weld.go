package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// WeldFaces merges the vertices of a planar arrangement that lie within
// tol of one another into one point each — an original vertex (keep says
// which) where the cluster has one, else the cluster's least point — and
// cleans what merging leaves: repeated points, spikes that go out and
// straight back, and faces that collapse to nothing. Noding computes a
// crossing once per pair of segments, so lines that meet where they
// nearly coincide can leave nodes a round-off apart; welded, they are one.
// The same point replaces a vertex in every face, so faces keep sharing
// their edges exactly. Faces come back in their order, collapsed ones left
// out.
func WeldFaces(faces []orb.Polygon, tol float64, keep func(orb.Point) bool) []orb.Polygon {
	var pts []orb.Point
	at := map[orb.Point]int32{}
	for _, f := range faces {
		for _, r := range f {
			for _, p := range r {
				if _, ok := at[p]; !ok {
					at[p] = int32(len(pts))
					pts = append(pts, p)
				}
			}
		}
	}
	parent := make([]int32, len(pts))
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	idx := NewPointBuckets(pts, 4)
	var buf []int32
	for i, p := range pts {
		buf = idx.InBound(orb.Bound{Min: p, Max: p}.Pad(tol), buf[:0])
		for _, j := range buf {
			if q := pts[j]; int32(i) != j && math.Hypot(p[0]-q[0], p[1]-q[1]) <= tol {
				if a, b := find(int32(i)), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	rep := make([]orb.Point, len(pts))
	best := map[int32]orb.Point{}
	for i, p := range pts {
		root := find(int32(i))
		b, ok := best[root]
		switch {
		case !ok:
			best[root] = p
		case keep != nil && keep(p) && !keep(b):
			best[root] = p
		case (keep == nil || keep(p) == keep(b)) && comparePoints(p, b) < 0:
			best[root] = p
		}
	}
	for i := range pts {
		rep[i] = best[find(int32(i))]
	}
	var out []orb.Polygon
	for _, f := range faces {
		var nf orb.Polygon
		for k, r := range f {
			nr := cleanRing(r, func(p orb.Point) orb.Point { return rep[at[p]] })
			if nr == nil {
				if k == 0 {
					break // the outer ring collapsed: so did the face
				}
				continue
			}
			nf = append(nf, nr)
		}
		if len(nf) > 0 {
			out = append(out, nf)
		}
	}
	return out
}

// cleanRing maps r's points and drops repeats and spikes; nil when fewer
// than three distinct points or no area remain.
func cleanRing(r orb.Ring, to func(orb.Point) orb.Point) orb.Ring {
	pts := make([]orb.Point, 0, len(r))
	for _, p := range r[:len(r)-1] {
		q := to(p)
		if len(pts) > 0 && pts[len(pts)-1] == q {
			continue
		}
		pts = append(pts, q)
	}
	for len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	// Spikes: a point whose neighbours are one point.
	for changed := true; changed && len(pts) >= 3; {
		changed = false
		for k := 0; k < len(pts) && len(pts) >= 3; k++ {
			prev, next := pts[(k+len(pts)-1)%len(pts)], pts[(k+1)%len(pts)]
			if prev == next {
				lo, hi := k, (k+1)%len(pts)
				if hi < lo {
					pts = slices.Delete(pts, lo, lo+1)
					pts = slices.Delete(pts, 0, 1)
				} else {
					pts = slices.Delete(pts, lo, hi+1)
				}
				changed = true
				break
			}
		}
	}
	if len(pts) < 3 {
		return nil
	}
	ring := append(orb.Ring(pts), pts[0])
	if ringArea2(ring) == 0 {
		return nil
	}
	return ring
}
