package suggest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

// Service answers suggestion requests for a view of a plan. It reads the
// view through the store, measures walks with the circles check and
// previews every proposal with the editing layer; it writes nothing
// itself (Apply hands a chosen change set to the editing layer).
type Service struct {
	db      *store.DB
	edits   *editing.Service
	circles *circles.Checker
	log     *slog.Logger
}

// New returns the assistant. circles may be nil (merges are then refused:
// their walking rule cannot be judged).
func New(db *store.DB, edits *editing.Service, walks *circles.Checker, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: db, edits: edits, circles: walks, log: log}
}

// Figures are a grid's or a part's size against its band.
type Figures struct {
	Households int64   `json:"households"`
	Persons    int64   `json:"persons"`
	AreaM2     float64 `json:"area_m2"`
	Band       string  `json:"band"`
	// PolsbyPopper is the compactness 4πA/P² of the shape, metric CRS.
	PolsbyPopper float64 `json:"polsby_popper"`
}

// Subject names the grid a suggestion is about.
type Subject struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    int    `json:"level"`
	BandText string `json:"band_text"`
	Figures
}

// Proposal is one suggested change set with what it does.
type Proposal struct {
	Rank       int             `json:"rank"`
	WithinBand bool            `json:"within_band"`
	Why        string          `json:"why"`
	ChangeSet  json.RawMessage `json:"change_set"`
	// Preview is the editing layer's dry run of ChangeSet (with the
	// coverage, balance and circles deltas); nil when not asked for.
	Preview *editing.Result `json:"preview,omitempty"`
}

// levelBand is the band of level n of plan, refusing levels without one.
func levelBand(plan domain.Plan, n int) (domain.Band, string, error) {
	for _, l := range plan.Levels {
		if l.Level == n {
			if l.Band == (domain.Band{}) {
				return l.Band, "", domain.Errorf(domain.ErrInvalid, "level %d (%s) of plan %q has no band; set one with gridplan plan level", n, l.Name, plan.Name)
			}
			return l.Band, balance.BandText(l.Band), nil
		}
	}
	return domain.Band{}, "", domain.Errorf(domain.ErrInvalid, "plan %q has no level %d, so no band to suggest for", plan.Name, n)
}

// grid reads one grid of the view (metric CRS).
func (s *Service) grid(ctx context.Context, plan domain.Plan, code string) (domain.Grid, error) {
	gs, err := s.db.MetricGrids(ctx, plan.Workspace, []string{code}, nil)
	if err != nil {
		return domain.Grid{}, err
	}
	if len(gs) == 0 {
		return domain.Grid{}, domain.Errorf(domain.ErrNotFound, "grid %q does not exist in plan %q (%s)", code, plan.Name, plan.View)
	}
	return gs[0], nil
}

// children reads the grids under the given ones, split into those that
// tile them (base and carve-out grids) and overlay special grids.
func (s *Service) children(ctx context.Context, plan domain.Plan, parents []domain.Grid) (tiling, overlay []domain.Grid, err error) {
	codes := make([]string, len(parents))
	for i, p := range parents {
		codes[i] = p.Code
	}
	kids, err := s.db.MetricGrids(ctx, plan.Workspace, nil, codes)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range kids {
		if k.Kind == domain.KindSpecial && k.Mode == domain.ModeOverlay {
			overlay = append(overlay, k)
		} else {
			tiling = append(tiling, k)
		}
	}
	return tiling, overlay, nil
}

// ground loads what a graph of grids' ground is built from and builds it:
// atoms are the grids' tiling children, kept whole (a grid without any is
// one atom), unless blocks is set, when they are blocks between streets,
// a lattice and every existing boundary. Overlay grids one level down
// glue the ground under them.
func (s *Service) ground(ctx context.Context, plan domain.Plan, grids []domain.Grid, blocks bool) (*Graph, error) {
	kids, overlay, err := s.children(ctx, plan, grids)
	if err != nil {
		return nil, err
	}
	g := &Ground{}
	has := map[string]bool{}
	for _, k := range kids {
		has[k.Parent] = true
	}
	area := 0.0
	for _, x := range grids {
		g.Grids = append(g.Grids, x.Geometry)
		area += planarArea(x.Geometry)
		if !blocks && !has[x.Code] {
			g.Children = append(g.Children, Child{Code: x.Code, Geometry: x.Geometry})
		}
	}
	for _, k := range kids {
		if blocks {
			g.Edges = append(g.Edges, k.Geometry)
		} else {
			g.Children = append(g.Children, Child{Code: k.Code, Geometry: k.Geometry})
		}
	}
	for _, o := range overlay {
		g.Glue = append(g.Glue, o.Geometry)
	}
	if blocks {
		// About 200 blocks of lattice per grid's worth of ground, between
		// 8 m (room for a path between buildings) and 50 m.
		g.LatticeM = math.Max(8, math.Min(50, math.Sqrt(area/float64(200*len(grids)))))
	}
	b := g.bound()
	units, err := s.db.UnitsIn(ctx, plan.ID, b)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		g.Units = append(g.Units, Unit{Point: u.Point, Shape: u.Shape, Persons: int64(u.Persons), Households: int64(u.Households)})
	}
	if g.Streets, err = s.db.StreetsIn(ctx, plan.ID, b); err != nil {
		return nil, err
	}
	if g.Faces, err = s.db.Faces(ctx, plan.SRID, nil, g.Linework()); err != nil {
		return nil, err
	}
	return g.Build()
}

// toWGS84 moves metric geometries to WGS84 longitude/latitude for a
// change set, in one round trip.
func (s *Service) toWGS84(ctx context.Context, plan domain.Plan, geoms []orb.Geometry) ([]orb.Geometry, error) {
	if len(geoms) == 0 {
		return nil, nil
	}
	return s.db.Transform(ctx, geoms, plan.SRID, domain.WGS84)
}

// preview runs a proposal's change set through the editing layer without
// storing it; a refusal is returned as the error.
func (s *Service) preview(ctx context.Context, plan domain.Plan, cs json.RawMessage) (*editing.Result, error) {
	parsed, err := editing.ParseChangeSet(cs, false)
	if err != nil {
		return nil, fmt.Errorf("suggest: a proposal does not parse as a change set: %w", err)
	}
	return s.edits.Apply(ctx, plan, parsed, true)
}

// refusal says why the editing layer did not take a proposal.
func refusal(err error) string {
	switch domain.ErrorCode(err) {
	case domain.ErrRefused, domain.ErrInvalid, domain.ErrPrecondition:
		return domain.ErrorMessage(err)
	}
	return "the editing layer could not build the edit: " + err.Error()
}

// finish previews each proposal when asked (at gives the Proposal a
// kind's proposal holds), dropping (and logging) any the editing layer
// does not take, and numbers the rest.
func finish[T any](ctx context.Context, s *Service, plan domain.Plan, props []T, at func(*T) *Proposal, preview bool) ([]T, []string, error) {
	out := []T{}
	var refused []string
	for _, x := range props {
		p := at(&x)
		if preview {
			res, err := s.preview(ctx, plan, p.ChangeSet)
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			if code := domain.ErrorCode(err); code == domain.ErrUnauthorized || code == domain.ErrForbidden || code == domain.ErrUnavailable {
				// Not about the proposal: who asks, or the database, so
				// the asker is told (401/403/503) rather than offered none.
				return nil, nil, err
			}
			if err != nil {
				// The editing layer is the judge: a proposal it refuses,
				// or fails on, is not proposed.
				s.log.Warn("the editing layer did not take a suggestion", "plan", plan.Describe(), "err", err)
				refused = append(refused, refusal(err))
				continue
			}
			p.Preview = res
		}
		p.Rank = len(out) + 1
		out = append(out, x)
	}
	return out, refused, nil
}

func itself(p *Proposal) *Proposal { return p }

func planarArea(mp orb.MultiPolygon) float64 { return math.Abs(planar.Area(mp)) }
