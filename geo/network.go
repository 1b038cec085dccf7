package geo

import (
	"fmt"
	"math"
)

// Link is an undirected edge of a [Network] between node indexes From and
// To, walkable both ways at the same Cost (metres, or any additive cost).
type Link struct {
	From, To int32
	Cost     float64
}

// Network is an undirected graph held in compressed sparse row (CSR) form:
// the arcs leaving node v are Head[Start[v]:Start[v+1]], each with its Cost
// and the index of the Link it walks. Both directions of a link are arcs,
// because walking is two-way. Build one with [NewNetwork].
type Network struct {
	Links []Link
	Start []int32   // len nodes+1
	Head  []int32   // arc target node
	Cost  []float64 // arc cost
	Arc   []int32   // arc's link index
}

// NewNetwork builds the CSR form of n nodes joined by links. It refuses
// node indexes out of range and negative or non-finite costs, which would
// break the shortest-path searches.
func NewNetwork(n int, links []Link) (*Network, error) {
	g := &Network{Links: links, Start: make([]int32, n+1)}
	for i, l := range links {
		if l.From < 0 || int(l.From) >= n || l.To < 0 || int(l.To) >= n {
			return nil, fmt.Errorf("link %d: node %d or %d outside 0..%d", i, l.From, l.To, n-1)
		}
		if !(l.Cost >= 0) || math.IsInf(l.Cost, 1) {
			return nil, fmt.Errorf("link %d: cost %v is not a finite non-negative number", i, l.Cost)
		}
		g.Start[l.From+1]++
		g.Start[l.To+1]++
	}
	for v := 0; v < n; v++ {
		g.Start[v+1] += g.Start[v]
	}
	m := 2 * len(links)
	g.Head, g.Cost, g.Arc = make([]int32, m), make([]float64, m), make([]int32, m)
	next := append([]int32(nil), g.Start[:n]...)
	put := func(v, w int32, c float64, link int) {
		k := next[v]
		next[v]++
		g.Head[k], g.Cost[k], g.Arc[k] = w, c, int32(link)
	}
	for i, l := range links {
		put(l.From, l.To, l.Cost, i)
		put(l.To, l.From, l.Cost, i)
	}
	return g, nil
}

// Nodes is the number of nodes.
func (g *Network) Nodes() int { return len(g.Start) - 1 }

// Position is a point on link Link at fraction T of its cost from its From
// node (T = 0) to its To node (T = 1).
type Position struct {
	Link int32
	T    float64
}

// Origin is where a search starts: a node (Link < 0) or a point on a link,
// reached after Cost already spent off the network (the walk from a
// facility's door to the street, say).
type Origin struct {
	Position
	Node int32 // the start node when Link < 0
	Cost float64
}

// NodeOrigin is an origin at node v with nothing spent.
func NodeOrigin(v int32) Origin { return Origin{Position: Position{Link: -1}, Node: v} }
