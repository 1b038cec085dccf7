package coverage

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// draft is a finding whose place is still in metric coordinates.
type draft struct {
	f      domain.Finding
	metric orb.Geometry // becomes f.Geometry in WGS84; nil when f.Geometry is set
}

// gridDrafts checks one grid on its own: its place in the hierarchy, its
// validity and whether it is in one piece.
func (st *state) gridDrafts(code string) []draft {
	g := st.grids[code]
	if g == nil {
		return nil
	}
	var out []draft
	add := func(kind, reason string, area float64, place orb.Geometry) {
		out = append(out, draft{f: domain.Finding{Kind: kind, Severity: domain.SeverityError, Level: g.Level,
			Parent: g.Parent, Grids: []string{code}, AreaM2: area, Reason: reason}, metric: place})
	}
	p := st.grids[g.Parent]
	switch {
	case g.Parent == "" && g.Level != 1:
		add(KindMissingParent, fmt.Sprintf("grid %s of level %d has no parent", st.name(code), g.Level), 0, g.Geometry)
	case g.Parent != "" && p == nil:
		add(KindUnknownParent, fmt.Sprintf("grid %s names parent %q, which is not in the plan", st.name(code), g.Parent), 0, g.Geometry)
	case p != nil && g.Level != p.Level+1:
		add(KindLevelMismatch, fmt.Sprintf("grid %s is level %d but its parent %s is level %d", st.name(code), g.Level,
			st.name(g.Parent), p.Level), 0, g.Geometry)
	}
	if !g.Valid {
		d := draft{f: domain.Finding{Kind: KindInvalid, Severity: domain.SeverityError, Level: g.Level, Parent: g.Parent,
			Grids: []string{code}}}
		d.f.Reason = fmt.Sprintf("grid %s is not a valid polygon: %s", st.name(code), g.Reason)
		if g.Location != (orb.Point{}) {
			d.f.Reason += fmt.Sprintf(" at %.7f, %.7f", g.Location[0], g.Location[1])
			d.f.Geometry = g.Location
		} else {
			d.metric = g.Geometry
		}
		if len(g.Geometry) == 0 {
			d.f.Reason += "; nothing of it has area, so it tiles nothing"
		} else {
			d.f.Reason += "; it is checked as PostGIS repairs it (ST_MakeValid)"
		}
		if d.metric == nil && d.f.Geometry == nil {
			d.metric = g.Geometry
		}
		out = append(out, d)
	} else if len(g.Geometry) > 1 {
		// The largest piece is the grid; the others are what to look at.
		areas := make([]float64, len(g.Geometry))
		largest := 0
		for i, part := range g.Geometry {
			areas[i] = math.Abs(planar.Area(part))
			if areas[i] > areas[largest] {
				largest = i
			}
		}
		rest := slices.Clone(g.Geometry)
		rest = slices.Delete(rest, largest, largest+1)
		others := 0.0
		for i, a := range areas {
			if i != largest {
				others += a
			}
		}
		add(KindMultipart, fmt.Sprintf("grid %s is in %d pieces: the largest holds %.1f m², the other pieces %.1f m²",
			st.name(code), len(g.Geometry), areas[largest], others), others, rest)
	}
	return out
}

// boundaryDrafts reports an invalid plan boundary.
func (st *state) boundaryDrafts() []draft {
	if st.data.BoundaryReason == "" {
		return nil
	}
	return []draft{{f: domain.Finding{Kind: KindInvalid, Severity: domain.SeverityError,
		Reason: "the plan boundary is not a valid polygon: " + st.data.BoundaryReason +
			"; level 1 is checked against PostGIS's repair of it (ST_MakeValid)"}, metric: st.data.Boundary}}
}

// finish moves the drafts' places to WGS84 in one round trip.
func finish(ctx context.Context, db *store.DB, srid int, drafts []draft) ([]domain.Finding, error) {
	var geoms []orb.Geometry
	for _, d := range drafts {
		if d.metric != nil {
			geoms = append(geoms, d.metric)
		}
	}
	var wgs []orb.Geometry
	if len(geoms) > 0 {
		var err error
		if wgs, err = db.Transform(ctx, geoms, srid, domain.WGS84); err != nil {
			return nil, fmt.Errorf("coverage findings to WGS84: %w", err)
		}
	}
	out := make([]domain.Finding, len(drafts))
	k := 0
	for i, d := range drafts {
		out[i] = d.f
		if d.metric != nil {
			out[i].Geometry = wgs[k]
			k++
		}
	}
	return out, nil
}
