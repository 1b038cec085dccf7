package circles

import (
	"math"

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
	limit := r.Rule.DistanceM()
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
	covers := make([][]int32, len(uncovered))
	var n int
	var site func(c int32) (orb.Point, int64)
	switch {
	case m.net != nil && candidates == nil:
		n = m.net.Nodes()
		search := m.net.NewSearch()
		for j, u := range uncovered {
			at := m.unitAt[u]
			f := search.Run([]geo.Origin{{Position: at.Position, Cost: at.Dist}}, limit)
			covers[j] = append([]int32(nil), f.Reached...)
		}
		site = func(c int32) (orb.Point, int64) { return m.nodeLL[c], m.nodeID[c] }
	case m.net != nil:
		n = len(candidates)
		search := m.net.NewSearch()
		for c, p := range candidates {
			at, _ := m.snapper.Nearest(p.Metric)
			f := search.Run([]geo.Origin{{Position: at.Position, Cost: at.Dist}}, limit)
			for j, u := range uncovered {
				ua := m.unitAt[u]
				if d, _ := f.At(ua.Position); d+ua.Dist <= limit {
					covers[j] = append(covers[j], int32(c))
				}
			}
		}
		site = func(c int32) (orb.Point, int64) { return candidates[c].LonLat, 0 }
	default:
		places := candidates
		if places == nil {
			places = make([]store.Place, len(uncovered))
			for j, u := range uncovered {
				places[j] = m.units[u]
			}
		}
		n = len(places)
		pts := make([]orb.Point, n)
		for c, p := range places {
			pts[c] = p.Metric
		}
		qt := pointIndex(pts)
		if qt == nil {
			return []Suggestion{}
		}
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
		site = func(c int32) (orb.Point, int64) { return places[c].LonLat, 0 }
	}
	covered := r.PersonsCovered
	var out []Suggestion
	for rank, p := range geo.GreedyCover(n, weight, covers, k) {
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
