package circles

import (
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/store"
)

// Suggestion is a proposed site for one more facility of a rule's type,
// in the order the greedy choice made them: each one's gain counts only
// persons that neither the existing facilities nor the earlier suggestions
// reach.
type Suggestion struct {
	Rank             int     `json:"rank"`
	Lon              float64 `json:"lon"`
	Lat              float64 `json:"lat"`
	Node             int64   `json:"node,omitempty"`      // the network node, when candidates are nodes
	Candidate        *int    `json:"candidate,omitempty"` // index in the caller's candidate list
	GainPersons      int64   `json:"gain_persons"`
	GainHouseholds   int64   `json:"gain_households"`
	CoveragePctAfter float64 `json:"coverage_pct_after"`
}

// Suggest chooses up to k sites that would cover the most persons the rule
// leaves uncovered, one after another. Candidates are the network's nodes
// when candidates is nil (the uncovered units' own places when the plan has
// no network); otherwise the given places, each joining the network at its
// nearest edge like any facility.
func (r *Result) Suggest(k int, candidates []store.Place) []Suggestion {
	m := r.model
	var uncovered []int32
	var weight []int64
	for i, u := range m.units {
		if !r.Covered[i] && u.Persons > 0 {
			uncovered = append(uncovered, int32(i))
			weight = append(weight, int64(u.Persons))
		}
	}
	if len(uncovered) == 0 || k <= 0 {
		return []Suggestion{}
	}
	var picks []geo.Pick
	var site func(c int32) (orb.Point, int64)
	if m.net != nil {
		picks, site = r.suggestOnNetwork(k, candidates, uncovered, weight)
	} else {
		picks, site = r.suggestStraight(k, candidates, uncovered, weight)
	}
	covered := r.PersonsCovered
	var out []Suggestion
	for rank, p := range picks {
		ll, node := site(p.Candidate)
		s := Suggestion{Rank: rank + 1, Lon: ll[0], Lat: ll[1], Node: node, GainPersons: p.Gain}
		if candidates != nil {
			c := int(p.Candidate)
			s.Candidate = &c
		}
		for _, j := range p.Items {
			s.GainHouseholds += int64(m.units[uncovered[j]].Households)
		}
		covered += p.Gain
		s.CoveragePctAfter = pct(covered, m.personsTotal)
		out = append(out, s)
	}
	if out == nil {
		out = []Suggestion{}
	}
	return out
}

// suggestOnNetwork picks sites along the network. A candidate's gain comes
// from a search from it, reading the uncovered units on the links it
// reaches; node candidates are searched lazily, in the order of a cheap
// bound (the uncovered persons within the limit's square around the node,
// as a walk is never shorter than the straight line), so only the few that
// could win are searched.
func (r *Result) suggestOnNetwork(k int, candidates []store.Place, uncovered []int32, weight []int64) ([]geo.Pick, func(int32) (orb.Point, int64)) {
	m := r.model
	limit := r.Rule.DistanceM()
	item := make([]int32, len(m.units)) // unit → index in uncovered, or -1
	for i := range item {
		item[i] = -1
	}
	for j, u := range uncovered {
		item[u] = int32(j)
	}
	search := m.net.NewSearch()
	stamp := make([]int32, len(uncovered))
	round := int32(0)
	gainFrom := func(o geo.Origin, covered []bool) (int64, []int32) {
		f := search.Run([]geo.Origin{o}, limit)
		round++
		var g int64
		var items []int32
		for _, v := range f.Reached {
			for a := m.net.Start[v]; a < m.net.Start[v+1]; a++ {
				l := m.net.Arc[a]
				for _, u := range m.linkUnits[m.linkStart[l]:m.linkStart[l+1]] {
					j := item[u]
					if j < 0 || covered[j] || stamp[j] == round {
						continue
					}
					at := m.unitAt[u]
					if d, _ := f.At(at.Position); d+at.Dist <= limit {
						stamp[j] = round
						g += weight[j]
						items = append(items, j)
					}
				}
			}
		}
		return g, items
	}
	if candidates != nil {
		origins := make([]geo.Origin, len(candidates))
		for c, p := range candidates {
			at, _ := m.snapper.Nearest(p.Metric)
			origins[c] = geo.Origin{Position: at.Position, Cost: at.Dist}
		}
		picks := geo.LazyGreedyCover(len(candidates), func(int32) int64 { return math.MaxInt64 / 2 },
			func(c int32, covered []bool) (int64, []int32) { return gainFrom(origins[c], covered) }, len(uncovered), k)
		return picks, func(c int32) (orb.Point, int64) { return candidates[c].LonLat, 0 }
	}
	pts := make([]orb.Point, len(uncovered))
	for j, u := range uncovered {
		pts[j] = m.units[u].Metric
	}
	within := newWindowSums(pts, weight, limit)
	// Sites are chosen among coarse candidates, each pick then refined
	// among the fine candidates of its coarse cell: the lazy search runs
	// over a sixteenth of the candidates, and the site is as precise as
	// the fine ones (at scale 10, a fifth of the searches).
	coarse, fine := m.candidates(limit/coarseResolution), m.candidates(limit/siteResolution)
	fineXY := make([]orb.Point, len(fine))
	for i, v := range fine {
		fineXY[i] = m.nodeXY[v]
	}
	fineIdx := geo.NewPointBuckets(fineXY, 16)
	half := limit / coarseResolution / 2
	chosen := map[int32]int32{} // coarse pick → the node it became
	taken := map[int32]bool{}
	refine := func(p geo.Pick, covered []bool) geo.Pick {
		node := coarse[p.Candidate]
		at := m.nodeXY[node]
		near := fineIdx.InBound(orb.Bound{Min: orb.Point{at[0] - half, at[1] - half}, Max: orb.Point{at[0] + half, at[1] + half}}, nil)
		slices.Sort(near)
		for _, i := range near {
			if v := fine[i]; v != node && !taken[v] {
				if g, items := gainFrom(geo.NodeOrigin(v), covered); g > p.Gain {
					p, node = geo.Pick{Candidate: p.Candidate, Gain: g, Items: items}, v
				}
			}
		}
		chosen[p.Candidate], taken[node] = node, true
		return p
	}
	picks := geo.LazyGreedyCoverRefined(len(coarse), func(c int32) int64 { return within(m.nodeXY[coarse[c]]) },
		func(c int32, covered []bool) (int64, []int32) { return gainFrom(geo.NodeOrigin(coarse[c]), covered) },
		refine, len(uncovered), k)
	return picks, func(c int32) (orb.Point, int64) { v := chosen[c]; return m.nodeLL[v], m.nodeID[v] }
}

// Candidate sites are the network nodes, at most one per square of a
// 1/siteResolution of the rule's distance (112 m for 900 m): finer than
// that changes a site's gain by little and costs a search each. The lazy
// search picks among one per 1/coarseResolution (450 m), refined among the
// fine ones of that square.
const (
	siteResolution   = 8
	coarseResolution = 2
)

// candidates are the network nodes thinned to one per square of side
// cell, found once per model and cell: rules of one distance share them.
func (m *model) candidates(cell float64) []int32 {
	if m.thin == nil {
		return thinNodes(m.nodeXY, cell)
	}
	m.thin.mu.Lock()
	defer m.thin.mu.Unlock()
	nodes, ok := m.thin.byCell[cell]
	if !ok {
		nodes = thinNodes(m.nodeXY, cell)
		m.thin.byCell[cell] = nodes
	}
	return nodes
}

// thinned holds siting candidates by cell size.
type thinned struct {
	mu     sync.Mutex
	byCell map[float64][]int32
}

// thinNodes keeps, of the nodes in each square of side cell, the one
// nearest its centre, in node order.
func thinNodes(xy []orb.Point, cell float64) []int32 {
	best := map[[2]int64]int32{}
	dist := func(v int32, key [2]int64) float64 {
		cx, cy := (float64(key[0])+0.5)*cell, (float64(key[1])+0.5)*cell
		return math.Hypot(xy[v][0]-cx, xy[v][1]-cy)
	}
	for v, p := range xy {
		key := [2]int64{int64(math.Floor(p[0] / cell)), int64(math.Floor(p[1] / cell))}
		if b, ok := best[key]; !ok || dist(int32(v), key) < dist(b, key) {
			best[key] = int32(v)
		}
	}
	out := make([]int32, 0, len(best))
	for _, v := range best {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// newWindowSums returns a function giving at least the total weight of
// the points within distance r of a point: the weight of every cell (of
// side r/8) that reaches into the disc, read row by row from prefix sums.
func newWindowSums(pts []orb.Point, weight []int64, r float64) func(orb.Point) int64 {
	if len(pts) == 0 {
		return func(orb.Point) int64 { return 0 }
	}
	b := orb.MultiPoint(pts).Bound()
	cell := r / 8
	w, h := int((b.Max[0]-b.Min[0])/cell)+1, int((b.Max[1]-b.Min[1])/cell)+1
	rows := make([]int64, h*(w+1)) // rows[k*(w+1)+i]: weight of cells 0..i-1 of row k
	for j, p := range pts {
		i, k := int((p[0]-b.Min[0])/cell), int((p[1]-b.Min[1])/cell)
		rows[k*(w+1)+i+1] += weight[j]
	}
	for k := range h {
		for i := 1; i <= w; i++ {
			rows[k*(w+1)+i] += rows[k*(w+1)+i-1]
		}
	}
	return func(p orb.Point) int64 {
		x, y := (p[0]-b.Min[0])/cell, (p[1]-b.Min[1])/cell // in cells
		rc := r / cell
		var sum int64
		for k := max(0, int(math.Floor(y-rc))); k <= min(h-1, int(math.Floor(y+rc))); k++ {
			dy := 0.0 // from p to the nearest point of row k
			if y < float64(k) {
				dy = float64(k) - y
			} else if y > float64(k+1) {
				dy = y - float64(k+1)
			}
			if dy > rc {
				continue
			}
			hx := math.Sqrt(rc*rc - dy*dy)
			i0, i1 := max(0, int(math.Floor(x-hx))), min(w-1, int(math.Floor(x+hx)))
			if i0 <= i1 {
				sum += rows[k*(w+1)+i1+1] - rows[k*(w+1)+i0]
			}
		}
		return sum
	}
}

// suggestStraight picks sites as the crow flies, for plans without a
// network: the candidates are the given places or the uncovered units'.
func (r *Result) suggestStraight(k int, candidates []store.Place, uncovered []int32, weight []int64) ([]geo.Pick, func(int32) (orb.Point, int64)) {
	m := r.model
	limit := r.Rule.DistanceM()
	places := candidates
	if places == nil {
		places = make([]store.Place, len(uncovered))
		for j, u := range uncovered {
			places[j] = m.units[u]
		}
	}
	pts := make([]orb.Point, len(places))
	for c, p := range places {
		pts[c] = p.Metric
	}
	site := func(c int32) (orb.Point, int64) { return places[c].LonLat, 0 }
	qt := pointIndex(pts)
	if qt == nil {
		return nil, site
	}
	covers := make([][]int32, len(uncovered))
	var buf []orb.Pointer
	for j, u := range uncovered {
		p := m.units[u].Metric
		buf = qt.InBound(buf[:0], orb.Bound{Min: orb.Point{p[0] - limit, p[1] - limit}, Max: orb.Point{p[0] + limit, p[1] + limit}})
		for _, q := range buf {
			x := q.(indexed)
			if math.Hypot(x.p[0]-p[0], x.p[1]-p[1]) <= limit {
				covers[j] = append(covers[j], x.i)
			}
		}
	}
	return geo.GreedyCover(len(places), weight, covers, k), site
}
