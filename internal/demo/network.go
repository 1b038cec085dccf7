package demo

import (
	"math"
	"sort"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// Street classes of the walking network, by lattice line.
const (
	classNone int8 = iota
	classPrimary
	classSecondary
	classResidential
	classFootway
)

var classNames = [...]string{"", "primary", "secondary", "residential", "footway"}

// Directions of lattice edges from a vertex.
const (
	east = iota
	north
	west
	south
)

// buildNetwork lays the walking network on the lattice: streets along
// every third to fifth lattice line (blocks of ~120–200 m) in both
// directions, and alleys across blocks on some of the lines between, more of
// them in town. Only lattice edges inside the district are used, and the
// lines are split into edges wherever they meet another.
func (b *build) buildNetwork() error {
	rng := b.rng(stageNetwork)
	l := b.sub.Lattice
	blockLines := func(n int) []int8 {
		tier := make([]int8, n)
		for i := rng.IntN(4); i < n; i += 3 + rng.IntN(3) {
			switch r := rng.Float64(); {
			case r < 0.15:
				tier[i] = classPrimary
			case r < 0.4:
				tier[i] = classSecondary
			default:
				tier[i] = classResidential
			}
		}
		return tier
	}
	tierX, tierY := blockLines(len(l.X)), blockLines(len(l.Y))
	var blockX, blockY []float64 // positions of the block lines
	for i, t := range tierX {
		if t != classNone {
			blockX = append(blockX, l.X[i])
		}
	}
	for j, t := range tierY {
		if t != classNone {
			blockY = append(blockY, l.Y[j])
		}
	}
	// alleys[i][k]: line i has an alley across block span k (between
	// block lines k-1 and k of the other direction).
	alleys := func(lines []float64, tier []int8, spans []float64, vertical bool) [][]bool {
		out := make([][]bool, len(lines))
		for i, x := range lines {
			if tier[i] != classNone {
				continue
			}
			out[i] = make([]bool, len(spans)+1)
			for k := 1; k < len(spans); k++ {
				mid := orb.Point{x, (spans[k-1] + spans[k]) / 2}
				if !vertical {
					mid = orb.Point{mid[1], x}
				}
				u := urban(b.field.smooth(mid))
				out[i][k] = rng.Float64() < 0.15+0.5*u
			}
		}
		return out
	}
	alleyX := alleys(l.X, tierX, blockY, true)
	alleyY := alleys(l.Y, tierY, blockX, false)

	// Classify the lattice edges and index them by vertex and direction.
	nv := len(b.sub.Points)
	nb := make([]int32, 4*nv)
	for i := range nb {
		nb[i] = -1
	}
	class := make([]int8, len(b.sub.Edges))
	for h, e := range b.sub.Edges {
		if e.Twin < 0 {
			continue
		}
		p, q := b.sub.Points[e.From], b.sub.Points[e.To]
		var dir int
		var c int8
		if p[0] == q[0] {
			dir = north
			if q[1] < p[1] {
				dir = south
			}
			i := sort.SearchFloat64s(l.X, p[0])
			if c = tierX[i]; c == classNone && alleyX[i][sort.SearchFloat64s(blockY, (p[1]+q[1])/2)] {
				c = classFootway
			}
		} else {
			dir = east
			if q[0] < p[0] {
				dir = west
			}
			j := sort.SearchFloat64s(l.Y, p[1])
			if c = tierY[j]; c == classNone && alleyY[j][sort.SearchFloat64s(blockX, (p[0]+q[0])/2)] {
				c = classFootway
			}
		}
		if c != classNone {
			class[h] = c
			nb[4*e.From+dir] = int32(h)
		}
	}

	// Nodes: ends, junctions and corners; straight pass-throughs are not.
	node := make([]int64, nv)
	var id int64
	for v := range nv {
		has := func(d int) bool { return nb[4*v+d] >= 0 }
		deg := 0
		for d := range 4 {
			if has(d) {
				deg++
			}
		}
		straight := deg == 2 && ((has(east) && has(west)) || (has(north) && has(south)))
		if deg > 0 && !straight {
			id++
			node[v] = id
			b.out.Nodes = append(b.out.Nodes, domain.Node{ID: id, Point: b.sub.Points[v]})
		}
	}
	// Edges: walk east and north from every node to the next node.
	for v := range nv {
		if node[v] == 0 {
			continue
		}
		for _, d := range [...]int{east, north} {
			h := nb[4*v+d]
			if h < 0 {
				continue
			}
			c := class[h]
			w := b.sub.Edges[h].To
			for node[w] == 0 {
				w = b.sub.Edges[nb[4*w+d]].To
			}
			p, q := b.sub.Points[v], b.sub.Points[w]
			b.out.Edges = append(b.out.Edges, domain.Edge{ID: int64(len(b.out.Edges) + 1), Source: node[v], Target: node[w],
				LengthM: math.Hypot(q[0]-p[0], q[1]-p[1]), Highway: classNames[c], Geometry: orb.LineString{p, q}})
		}
	}
	return nil
}
