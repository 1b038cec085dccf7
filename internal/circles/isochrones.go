package circles

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/parallel"
)

// Isochrone is the ground from which one facility is within the rule's
// walk, in the plan's metric CRS.
type Isochrone struct {
	Facility int32 // model index
	Area     orb.MultiPolygon
}

// isochrones computes one isochrone per facility of the rule. Along the
// network the ground is sampled on square cells (a cell is in when from its
// centre the walk — to the nearest edge, then along the network — fits the
// rule's distance, exactly as for a unit there) and traced back to
// polygons; without a network it is a disc.
func (r *Result) isochrones() []Isochrone {
	m := r.model
	limit := r.Rule.DistanceM()
	out := make([]Isochrone, 0, len(r.Facilities))
	if m.net == nil {
		for _, f := range r.Facilities {
			out = append(out, Isochrone{Facility: f, Area: orb.MultiPolygon{disc(m.facilities[f].Metric, limit, 72)}})
		}
		return out
	}
	size := math.Min(50, math.Max(5, limit/25)) // ~50 cells across a circle
	out = out[:len(r.Facilities)]
	// Each worker keeps its cell centres' snaps for the facilities it
	// traces, as neighbouring facilities share many cells.
	type worker struct {
		snaps  map[[2]int64]geo.Snap
		search *geo.Search
	}
	parallel.ForEach(len(r.Facilities), func() worker { return worker{map[[2]int64]geo.Snap{}, m.net.NewSearch()} },
		func(w worker, k int) {
			f := r.Facilities[k]
			out[k] = Isochrone{Facility: f, Area: m.isochrone(w.search, w.snaps, f, limit, size)}
		})
	return out
}

// isochrone samples the ground around facility f on cells of side size.
func (m *model) isochrone(search *geo.Search, snaps map[[2]int64]geo.Snap, f int32, limit, size float64) orb.MultiPolygon {
	p, at := m.facilities[f].Metric, m.facAt[f]
	field := search.Run([]geo.Origin{{Position: at.Position, Cost: at.Dist}}, limit)
	i0, j0 := int64(math.Floor((p[0]-limit)/size)), int64(math.Floor((p[1]-limit)/size))
	i1, j1 := int64(math.Ceil((p[0]+limit)/size)), int64(math.Ceil((p[1]+limit)/size))
	grid := geo.CellGrid{X0: float64(i0) * size, Y0: float64(j0) * size, Size: size, W: int(i1 - i0), H: int(j1 - j0)}
	in := make([]bool, grid.W*grid.H)
	for j := 0; j < grid.H; j++ {
		for i := 0; i < grid.W; i++ {
			c := grid.Centre(i, j)
			// The walk is never shorter than the straight line.
			if math.Hypot(c[0]-p[0], c[1]-p[1]) > limit {
				continue
			}
			key := [2]int64{i0 + int64(i), j0 + int64(j)}
			s, ok := snaps[key]
			if !ok {
				s, _ = m.snapper.Nearest(c)
				snaps[key] = s
			}
			if d, _ := field.At(s.Position); d+s.Dist <= limit {
				in[j*grid.W+i] = true
			}
		}
	}
	return grid.Polygons(in)
}

// disc is a regular n-gon of radius r around c, counter-clockwise.
func disc(c orb.Point, r float64, n int) orb.Polygon {
	ring := make(orb.Ring, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		ring[k] = orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}
	}
	ring[n] = ring[0]
	return orb.Polygon{ring}
}
