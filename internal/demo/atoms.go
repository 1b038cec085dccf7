package demo

import (
	"github.com/gridplan/gridplan/geo"
	"github.com/paulmach/orb"
)

// atoms are the faces of the outline cut by the lattice (about 40 m
// squares, clipped at the outline): the building blocks every grid is made
// of. Labelling atoms and dissolving the labels is what makes all levels
// tile exactly.
type atoms struct {
	sub  *geo.Subdivision
	n    int
	area []float64
	cen  []orb.Point
	rect []bool // a whole lattice cell: an axis-parallel rectangle
	// adjacency in compressed rows: neighbours of a are adj[start[a]:start[a+1]]
	start []int32
	adj   []int32
	// vertexOut holds one half-edge leaving each vertex.
	vertexOut []int32
}

func newAtoms(sub *geo.Subdivision) *atoms {
	n := len(sub.Faces)
	a := &atoms{sub: sub, n: n, area: make([]float64, n), cen: make([]orb.Point, n), rect: make([]bool, n),
		start: make([]int32, n+1)}
	var nb []int32
	for f, face := range sub.Faces {
		var area, cx, cy float64
		o := sub.Points[sub.Edges[face.Rings[0]].From]
		corners, axis := 0, true
		nb = nb[:0]
		for _, h := range face.Rings {
			for e := h; ; {
				he := sub.Edges[e]
				p, q := sub.Points[he.From], sub.Points[he.To]
				x0, y0, x1, y1 := p[0]-o[0], p[1]-o[1], q[0]-o[0], q[1]-o[1]
				c := x0*y1 - x1*y0
				area += c
				cx += (x0 + x1) * c
				cy += (y0 + y1) * c
				corners++
				axis = axis && (p[0] == q[0] || p[1] == q[1])
				if he.Twin >= 0 {
					g := int32(sub.Edges[he.Twin].Face)
					if !containsInt32(nb, g) {
						nb = append(nb, g)
					}
				}
				if e = he.Next; e == h {
					break
				}
			}
		}
		a.area[f] = area / 2
		a.cen[f] = orb.Point{o[0] + cx/(3*area), o[1] + cy/(3*area)}
		a.rect[f] = len(face.Rings) == 1 && corners == 4 && axis
		a.adj = append(a.adj, nb...)
		a.start[f+1] = int32(len(a.adj))
	}
	a.vertexOut = make([]int32, len(sub.Points))
	for h, e := range sub.Edges {
		a.vertexOut[e.From] = int32(h)
	}
	return a
}

func (a *atoms) neighbours(f int32) []int32 { return a.adj[a.start[f]:a.start[f+1]] }

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// components splits set into its edge-connected parts, largest first (ties
// by first atom), using mark (len n, all -1 on entry and on return).
func (a *atoms) components(set []int32, mark []int32) [][]int32 {
	for _, f := range set {
		mark[f] = -2 // in set, unvisited
	}
	var comps [][]int32
	for _, f := range set {
		if mark[f] != -2 {
			continue
		}
		id := int32(len(comps))
		comp := []int32{f}
		mark[f] = id
		for i := 0; i < len(comp); i++ {
			for _, g := range a.neighbours(comp[i]) {
				if mark[g] == -2 {
					mark[g] = id
					comp = append(comp, g)
				}
			}
		}
		comps = append(comps, comp)
	}
	for _, f := range set {
		mark[f] = -1
	}
	sortStable(comps, func(x, y []int32) bool { return len(x) > len(y) })
	return comps
}
