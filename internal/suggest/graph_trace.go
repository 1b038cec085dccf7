package suggest

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

// Shapes traces the shape of each part: labels gives each atom's part in
// [0, n). Where only two boundary edges meet on a straight stretch, only
// the vertices of the grids' own outlines are kept: nodes that noding
// added go, and so do the corners of children that lie on a grid's
// straight edge (a round-off off it), so a part's outline runs exactly
// where its grid's did and the editing layer finds no sliver between the
// two.
func (g *Graph) Shapes(labels []int, n int) ([]orb.MultiPolygon, error) {
	return g.faces.Dissolve(g.faceLabels(labels), n, func(p orb.Point) bool { return !g.outline[p] })
}

func (g *Graph) faceLabels(labels []int) []int {
	out := make([]int, len(g.faceAtom))
	for f, a := range g.faceAtom {
		out[f] = -1
		if a >= 0 {
			out[f] = labels[a]
		}
	}
	return out
}

// overshootM is how far a cut line reaches past the edge of the ground
// where it ends on no existing vertex: far enough that the editing layer
// nodes it with the edge (its snapping tolerance is 2 cm), short enough to
// stay in the neighbour across.
const overshootM = 0.1

// CutLines traces the boundaries between differently labelled atoms as
// lines from edge to edge of the ground (or closed rings around enclosed
// parts): the lines of a split op that cut the ground into exactly these
// parts. Vertices that noding added on straight stretches are left out;
// ends on the ground's edge at no vertex of its outline (a child's corner
// on a straight stretch of it, say) reach overshootM past it.
func (g *Graph) CutLines(labels []int) []orb.LineString {
	fl := g.faceLabels(labels)
	for f, s := range g.sliver {
		if s {
			fl[f] = -1 // round-off on the ground's edge: no cut runs along it
		}
	}
	next := map[orb.Point][]orb.Point{}
	edgeOfGround := map[orb.Point]bool{}
	for f, poly := range g.faces.Polygons {
		if fl[f] < 0 {
			continue
		}
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				p, q := r[k], r[k+1]
				j, ok := g.faces.FaceLeftOf(q, p)
				switch {
				case !ok || fl[j] < 0:
					edgeOfGround[p], edgeOfGround[q] = true, true
				case fl[j] != fl[f] && less(p, q):
					next[p] = append(next[p], q)
					next[q] = append(next[q], p)
				}
			}
		}
	}
	nodes := make([]orb.Point, 0, len(next))
	for p := range next {
		nodes = append(nodes, p)
	}
	slices.SortFunc(nodes, geo.ComparePoints)
	used := map[[2]orb.Point]bool{}
	walk := func(start, second orb.Point) orb.LineString {
		line := orb.LineString{start}
		prev, at := start, second
		for {
			used[[2]orb.Point{prev, at}], used[[2]orb.Point{at, prev}] = true, true
			line = append(line, at)
			if len(next[at]) != 2 || at == start {
				return line
			}
			n := next[at][0]
			if n == prev {
				n = next[at][1]
			}
			prev, at = at, n
		}
	}
	var out []orb.LineString
	for pass := 0; pass < 2; pass++ {
		// Open chains first, from their ends; then the rings left over.
		for _, p := range nodes {
			if (pass == 0) == (len(next[p]) == 2) {
				continue
			}
			ns := slices.Clone(next[p])
			slices.SortFunc(ns, geo.ComparePoints)
			for _, q := range ns {
				if !used[[2]orb.Point{p, q}] {
					out = append(out, g.finish(walk(p, q), edgeOfGround))
				}
			}
		}
	}
	return out
}

// finish drops the noding's collinear vertices from a cut line and reaches
// its ends past the edge of the ground where they are no existing vertex.
func (g *Graph) finish(l orb.LineString, edge map[orb.Point]bool) orb.LineString {
	out := orb.LineString{l[0]}
	for k := 1; k+1 < len(l); k++ {
		if !g.input[l[k]] && geo.Collinear(out[len(out)-1], l[k], l[k+1]) {
			continue
		}
		out = append(out, l[k])
	}
	out = append(out, l[len(l)-1])
	if out[0] == out[len(out)-1] {
		return out
	}
	reach := func(end, from orb.Point) orb.Point {
		if !edge[end] || g.outline[end] {
			return end
		}
		d := math.Hypot(end[0]-from[0], end[1]-from[1])
		if d == 0 {
			return end
		}
		return orb.Point{end[0] + (end[0]-from[0])/d*overshootM, end[1] + (end[1]-from[1])/d*overshootM}
	}
	out[0] = reach(out[0], out[1])
	out[len(out)-1] = reach(out[len(out)-1], out[len(out)-2])
	return out
}

func less(p, q orb.Point) bool { return geo.ComparePoints(p, q) < 0 }
