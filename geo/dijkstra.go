package geo

import "math"

// Search runs bounded multi-origin shortest-path searches (Dijkstra with a
// binary heap) on one network. It keeps its arrays between runs and resets
// only the nodes a run touched, so many small searches (one per facility or
// per candidate site) cost what they explore, not the network's size.
// A Search is not safe for concurrent use; make one per goroutine.
type Search struct {
	g       *Network
	dist    []float64
	origin  []int32
	touched []int32
	heap    distHeap
	field   Field
}

// NewSearch prepares searches on g.
func (g *Network) NewSearch() *Search {
	n := g.Nodes()
	s := &Search{g: g, dist: make([]float64, n), origin: make([]int32, n)}
	for v := range s.dist {
		s.dist[v] = math.Inf(1)
		s.origin[v] = -1
	}
	return s
}

// Reach is a one-off search: g.NewSearch().Run(origins, limit).
func (g *Network) Reach(origins []Origin, limit float64) *Field {
	return g.NewSearch().Run(origins, limit)
}

// Field is what a search found: for every node within the limit, the cost
// from the nearest origin and which origin that is. It belongs to its
// Search and is overwritten by the next Run.
type Field struct {
	g       *Network
	Limit   float64
	Dist    []float64 // by node; +Inf beyond the limit or unreachable
	Origin  []int32   // by node: index of the nearest origin; -1 where Dist is +Inf
	Reached []int32   // the nodes within the limit, in the order they were first reached
	origins []Origin
	onLink  map[int32][]int32 // origins inside a link, by link
}

// Run searches from every origin at once and settles each node at the
// cost of its nearest origin, up to limit (inclusive). Origins whose Cost
// already exceeds the limit reach nothing.
func (s *Search) Run(origins []Origin, limit float64) *Field {
	for _, v := range s.touched {
		s.dist[v] = math.Inf(1)
		s.origin[v] = -1
	}
	s.touched = s.touched[:0]
	s.heap = s.heap[:0]
	f := &s.field
	*f = Field{g: s.g, Limit: limit, Dist: s.dist, Origin: s.origin, origins: origins}
	for i, o := range origins {
		if o.Link < 0 {
			s.seed(o.Node, o.Cost, int32(i), limit)
			continue
		}
		l := s.g.Links[o.Link]
		s.seed(l.From, o.Cost+o.T*l.Cost, int32(i), limit)
		s.seed(l.To, o.Cost+(1-o.T)*l.Cost, int32(i), limit)
		if f.onLink == nil {
			f.onLink = map[int32][]int32{}
		}
		f.onLink[o.Link] = append(f.onLink[o.Link], int32(i))
	}
	g := s.g
	for len(s.heap) > 0 {
		top := s.heap.pop()
		v := top.v
		if top.d > s.dist[v] {
			continue // a stale entry: v was settled cheaper
		}
		for k := g.Start[v]; k < g.Start[v+1]; k++ {
			w := g.Head[k]
			if d := top.d + g.Cost[k]; d < s.dist[w] && d <= limit {
				if math.IsInf(s.dist[w], 1) {
					s.touched = append(s.touched, w)
				}
				s.dist[w] = d
				s.origin[w] = s.origin[v]
				s.heap.push(heapItem{d, w})
			}
		}
	}
	f.Reached = s.touched
	return f
}

func (s *Search) seed(v int32, d float64, origin int32, limit float64) {
	if d > limit || d >= s.dist[v] {
		return
	}
	if math.IsInf(s.dist[v], 1) {
		s.touched = append(s.touched, v)
	}
	s.dist[v] = d
	s.origin[v] = origin
	s.heap.push(heapItem{d, v})
}

// At returns the cost from the nearest origin to position p and that
// origin's index (-1 when none is within reach). The cost may exceed the
// limit for points beyond the reached nodes; compare it with Limit. An
// origin on p's own link is reached directly along the link.
func (f *Field) At(p Position) (float64, int32) {
	l := f.g.Links[p.Link]
	best, origin := f.Dist[l.From]+p.T*l.Cost, f.Origin[l.From]
	if d := f.Dist[l.To] + (1-p.T)*l.Cost; d < best {
		best, origin = d, f.Origin[l.To]
	}
	for _, i := range f.onLink[p.Link] {
		o := f.origins[i]
		if d := o.Cost + math.Abs(o.T-p.T)*l.Cost; d < best {
			best, origin = d, i
		}
	}
	if math.IsInf(best, 1) {
		origin = -1
	}
	return best, origin
}

// heapItem is a tentative cost d of node v.
type heapItem struct {
	d float64
	v int32
}

// distHeap is a binary min-heap on d. Entries are never decreased in
// place: a cheaper one is pushed and the stale one skipped when popped,
// which is simpler and, on street networks, as fast as an indexed heap.
type distHeap []heapItem

func (h *distHeap) push(it heapItem) {
	a := append(*h, it)
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= it.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = it
	*h = a
}

func (h *distHeap) pop() heapItem {
	a := *h
	top := a[0]
	last := a[len(a)-1]
	a = a[:len(a)-1]
	n := len(a)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1].d < a[c].d {
			c++
		}
		if last.d <= a[c].d {
			break
		}
		a[i] = a[c]
		i = c
	}
	if n > 0 {
		a[i] = last
	}
	*h = a
	return top
}
