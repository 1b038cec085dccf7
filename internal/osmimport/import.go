package osmimport

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Source is the "source" property of facilities read from OSM; a new
// import replaces the facilities an earlier one stored.
const Source = "openstreetmap"

// Summary says what an import stored.
type Summary struct {
	Ways, Nodes, Edges int
	WalkableKM         float64
	Facilities         map[string]int // by type
	Replaced           int64          // facilities of an earlier OSM import removed
	Skipped            map[string]int
}

func (s Summary) String() string {
	f := 0
	for _, n := range s.Facilities {
		f += n
	}
	return fmt.Sprintf("%d walkable ways → %d nodes, %d edges, %.1f km; %d facilities %v",
		s.Ways, s.Nodes, s.Edges, s.WalkableKM, f, s.Facilities)
}

// Import reads the extract at path and stores its walking network in plan,
// replacing the plan's network; with opts.Facilities it also replaces the
// facilities of any earlier OSM import. The whole file is read and
// measured before anything is written.
func Import(ctx context.Context, db *store.DB, plan domain.Plan, path string, open Opener, opts Options) (Summary, error) {
	x, err := Read(ctx, path, open, opts)
	if err != nil {
		return Summary{}, err
	}
	if len(x.Edges) == 0 {
		return Summary{}, domain.Errorf(domain.ErrInvalid, "%s: no walkable ways (highway=footway, residential, ...) in the file", path)
	}
	if err := Measure(ctx, db, x, plan.SRID); err != nil {
		return Summary{}, err
	}
	s := Summary{Ways: x.Ways, Nodes: len(x.Nodes), Edges: len(x.Edges), Skipped: x.Skipped, Facilities: map[string]int{}}
	for _, e := range x.Edges {
		s.WalkableKM += e.LengthM / 1000
	}
	if err := db.ReplaceNetwork(ctx, plan.ID, x.Nodes, x.Edges, domain.WGS84); err != nil {
		return s, err
	}
	if len(opts.Facilities) > 0 {
		if s.Replaced, err = db.ReplaceSourceFacilities(ctx, plan.ID, Source, x.Facilities); err != nil {
			return s, err
		}
		for _, f := range x.Facilities {
			s.Facilities[f.Type]++
		}
	}
	return s, nil
}

// chunk bounds the points sent to PostGIS in one geometry.
const chunk = 100_000

// Measure sets every edge's LengthM to its length in the metric CRS srid,
// projecting the vertices with PostGIS (PROJ) in one round trip.
func Measure(ctx context.Context, db *store.DB, x *Extract, srid int) error {
	var all orb.MultiPoint
	for _, e := range x.Edges {
		all = append(all, e.Geometry...)
	}
	var parts []orb.Geometry
	for i := 0; i < len(all); i += chunk {
		parts = append(parts, all[i:min(i+chunk, len(all))])
	}
	out, err := db.Transform(ctx, parts, domain.WGS84, srid)
	if err != nil {
		return fmt.Errorf("project the network to EPSG:%d: %w", srid, err)
	}
	var metric orb.MultiPoint
	for _, g := range out {
		mp, ok := g.(orb.MultiPoint)
		if !ok {
			return fmt.Errorf("project the network: PostGIS returned a %s", g.GeoJSONType())
		}
		metric = append(metric, mp...)
	}
	if len(metric) != len(all) {
		return fmt.Errorf("project the network: %d points back for %d", len(metric), len(all))
	}
	k := 0
	for i := range x.Edges {
		e := &x.Edges[i]
		e.LengthM = 0
		for j := range e.Geometry {
			if j > 0 {
				p, q := metric[k+j-1], metric[k+j]
				e.LengthM += math.Hypot(q[0]-p[0], q[1]-p[1])
			}
		}
		k += len(e.Geometry)
	}
	return nil
}
