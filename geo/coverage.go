package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// A Tiling asks whether Tiles cover Parent exactly once: no gap, no overlap,
// nothing outside. It is the coverage check of one parent and its children.
//
// The check follows the idea of JTS's CoverageValidator: in a valid tiling
// every boundary segment of a tile is matched by the reversed segment of the
// neighbour on its other side, or by the parent's boundary. Seen as chains,
// the tiles' boundaries (interior on the left) minus the parent's boundary
// add up to zero, segment for segment. What does not cancel outlines every
// gap, overlap and spill, and nothing else: the count of tiles over a point
// minus the parent's 1 can only change across an unmatched segment. So the
// check is one hash of segments, linear in the number of vertices, and the
// exact overlay is needed only round the few unmatched places.
type Tiling struct {
	// Parent is the ground to cover. Nil means no parent: only the tiles'
	// mutual matching is checked, and their outer outline is unmatched.
	Parent orb.MultiPolygon
	// Tiles must be valid polygons (rings closed, not self-crossing); ring
	// orientation does not matter.
	Tiles []orb.MultiPolygon
}

// ParentOwner is the Owner of an unmatched segment of the parent's boundary.
const ParentOwner = -1

// Edge is a boundary segment that no neighbour matched. A tile's edge has
// the tile on its left; a parent's edge runs the other way round (parent on
// its right), so that matching edges are always exact reverses.
type Edge struct {
	A, B  orb.Point
	Owner int // index into Tiling.Tiles, or ParentOwner
}

// Defect is one place where a tiling fails: unmatched edges that touch one
// another, together with any others whose bounds come within the merge
// margin (an island tile inside a gap belongs to the gap). Every gap,
// overlap or spill of the tiling lies inside the Bound of one Defect.
type Defect struct {
	Edges []Edge
	Bound orb.Bound
	// Owners are the tiles with unmatched edges here, ascending, with
	// ParentOwner first when the parent's boundary is involved. When two
	// tiles use the very same segment, which copy stays unmatched is
	// arbitrary (the first); the overlay round the defect finds both.
	Owners []int
}

// TilingOptions tune CheckTiling.
type TilingOptions struct {
	// Snap is the floating-point noise to forgive, in CRS units: unmatched
	// vertices closer than this are merged, and a vertex this close to a
	// neighbour's unmatched segment splits it (a T-junction: a vertex on one
	// side only). Rounding GeoJSON to 7 decimals moves points by up to about
	// a centimetre, so a couple of centimetres suits metric CRSs. Zero
	// forgives only bit-exact T-junctions.
	Snap float64
	// Margin widens each defect's bound before defects are merged; it
	// should cover Snap and leave room round the defect for exact overlay.
	Margin float64
}

// CheckTiling returns the places where t is not an exact tiling; none means
// the tiles cover the parent exactly once, up to opt.Snap.
func CheckTiling(t Tiling, opt TilingOptions) []Defect {
	edges := unmatched(t)
	if len(edges) > 0 {
		edges = forgiveNoise(edges, opt.Snap)
	}
	return clusters(edges, opt.Margin)
}

// segKey identifies an undirected segment: the bits of its endpoints in a
// fixed order. Hashing raw bits is several times faster than hashing
// float64 keys; -0 is folded into 0 so equal coordinates have equal bits.
type segKey [4]uint64

func keyOf(a, b orb.Point) (segKey, int32) {
	if less(a, b) {
		return segKey{bits(a[0]), bits(a[1]), bits(b[0]), bits(b[1])}, 1
	}
	return segKey{bits(b[0]), bits(b[1]), bits(a[0]), bits(a[1])}, -1
}

func bits(f float64) uint64 {
	if f == 0 {
		return 0
	}
	return math.Float64bits(f)
}

func less(a, b orb.Point) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

// eachEdge calls fn for every non-degenerate boundary segment of t, tiles
// with their interior on the left, the parent with its interior on the right.
func eachEdge(t Tiling, fn func(a, b orb.Point, owner int)) {
	for i, mp := range t.Tiles {
		eachRingEdge(mp, false, func(a, b orb.Point) { fn(a, b, i) })
	}
	eachRingEdge(t.Parent, true, func(a, b orb.Point) { fn(a, b, ParentOwner) })
}

// eachRingEdge walks mp's rings with the interior on the left (on the right
// when reverse), skipping repeated points, whatever the rings' orientation.
func eachRingEdge(mp orb.MultiPolygon, reverse bool, fn func(a, b orb.Point)) {
	for _, p := range mp {
		for k, r := range p {
			if len(r) < 2 {
				continue
			}
			// Outer rings counter-clockwise, holes clockwise: interior on the left.
			ccw := r.Orientation() == orb.CCW
			forward := (k == 0) == ccw
			if reverse {
				forward = !forward
			}
			for j := 0; j+1 < len(r); j++ {
				a, b := r[j], r[j+1]
				if a == b {
					continue
				}
				if forward {
					fn(a, b)
				} else {
					fn(b, a)
				}
			}
			if last := r[len(r)-1]; last != r[0] { // tolerate an unclosed ring
				if forward {
					fn(last, r[0])
				} else {
					fn(r[0], last)
				}
			}
		}
	}
}

// unmatched cancels every segment against its reverse and returns what is
// left, in input order. Multiplicity counts: two tiles using the same
// segment in the same direction leave both copies.
func unmatched(t Tiling) []Edge {
	var edges []Edge
	eachEdge(t, func(a, b orb.Point, owner int) { edges = append(edges, Edge{A: a, B: b, Owner: owner}) })
	return cancel(edges)
}

// cancel removes pairs of exactly reversed edges from edges.
func cancel(edges []Edge) []Edge {
	count := make(map[segKey]int32, len(edges))
	for _, e := range edges {
		k, s := keyOf(e.A, e.B)
		count[k] += s
	}
	out := edges[:0]
	for _, e := range edges {
		k, s := keyOf(e.A, e.B)
		if c := count[k]; c != 0 && (c > 0) == (s > 0) {
			count[k] = c - s
			out = append(out, e)
		}
	}
	return out
}

// clusters groups edges into defects: connected through shared endpoints,
// then merged while their bounds, widened by margin, intersect.
func clusters(edges []Edge, margin float64) []Defect {
	if len(edges) == 0 {
		return nil
	}
	uf := newUnionFind(len(edges))
	at := make(map[orb.Point]int, 2*len(edges))
	for i, e := range edges {
		for _, p := range [2]orb.Point{e.A, e.B} {
			if j, ok := at[p]; ok {
				uf.union(i, j)
			} else {
				at[p] = i
			}
		}
	}
	// Bounds of the connected pieces, then merge overlapping ones until
	// stable (an island inside a gap, two defects side by side).
	root := map[int]int{}
	var bounds []orb.Bound
	var comp []int
	for i, e := range edges {
		r := uf.find(i)
		c, ok := root[r]
		if !ok {
			c = len(bounds)
			root[r] = c
			bounds = append(bounds, orb.Bound{Min: e.A, Max: e.A})
		}
		bounds[c] = bounds[c].Extend(e.A).Extend(e.B)
		comp = append(comp, c)
	}
	merge := newUnionFind(len(bounds))
	piece := slices.Clone(bounds) // each piece's own bound; bounds[root] grows
	order := make([]int, len(bounds))
	for i := range order {
		order[i] = i
	}
	// Sweep by minimum x so only pieces whose x ranges meet are compared:
	// for two merged groups whose bounds meet, the leftmost piece of the
	// second lies within reach of the first group's bound.
	slices.SortFunc(order, func(a, b int) int {
		return cmpFloat(piece[a].Min[0], piece[b].Min[0])
	})
	for changed := true; changed; {
		changed = false
		for x, i := range order {
			bi := bounds[merge.find(i)].Pad(margin)
			for _, j := range order[x+1:] {
				if piece[j].Min[0]-margin > bi.Max[0] {
					break
				}
				ri, rj := merge.find(i), merge.find(j)
				if ri == rj || !bounds[ri].Pad(margin).Intersects(bounds[rj].Pad(margin)) {
					continue
				}
				merge.union(ri, rj)
				r := merge.find(ri)
				bounds[r] = bounds[ri].Union(bounds[rj])
				bi = bounds[r].Pad(margin)
				changed = true
			}
		}
	}
	index := map[int]int{}
	var out []Defect
	for i, e := range edges {
		r := merge.find(comp[i])
		d, ok := index[r]
		if !ok {
			d = len(out)
			index[r] = d
			out = append(out, Defect{Bound: bounds[r]})
		}
		out[d].Edges = append(out[d].Edges, e)
		if !slices.Contains(out[d].Owners, e.Owner) {
			out[d].Owners = append(out[d].Owners, e.Owner)
		}
	}
	for i := range out {
		slices.Sort(out[i].Owners)
	}
	return out
}

type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra < rb {
		u[rb] = ra
	} else if rb < ra {
		u[ra] = rb
	}
}
