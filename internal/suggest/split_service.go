package suggest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// SplitOptions shape a split suggestion.
type SplitOptions struct {
	K             int  // parts; 0: the fewest that fit the band
	SplitChildren bool // cut through child grids too (the op splits them along the same lines)
	Alternatives  int  // proposals wanted; 0 means 3
	Preview       bool // dry-run each proposal through the editing layer
}

// SplitAnswer is the answer to a split request.
type SplitAnswer struct {
	Grid  Subject `json:"grid"`
	K     int     `json:"k"`
	Atoms string  `json:"atoms"` // "child grids" or "blocks"
	// Proposals are best first; each change set holds one split op.
	Proposals []SplitProposal `json:"proposals"`
	Refused   []string        `json:"refused,omitempty"`
}

// SplitProposal is one way to split the grid.
type SplitProposal struct {
	Proposal
	Parts       []Part  `json:"parts"`
	CutM        float64 `json:"cut_m"`
	StreetCutM  float64 `json:"street_cut_m"`
	ChildrenCut int     `json:"children_cut"`
}

// Part is one part of a proposal: its figures, a point inside it (WGS84,
// to tell the parts apart on a map) and the child grids it takes.
type Part struct {
	Figures
	Point    [2]float64 `json:"point"`
	Children []string   `json:"children,omitempty"`
}

// Split proposes ways to split an over-band grid into parts within its
// band. It refuses (ErrInvalid) grids that are not over their band, a k
// below 2, above the atoms there are or outside what the band allows, and
// grids no number of parts can bring within the band.
func (s *Service) Split(ctx context.Context, plan domain.Plan, code string, opt SplitOptions) (*SplitAnswer, error) {
	x, err := s.grid(ctx, plan, code)
	if err != nil {
		return nil, err
	}
	band, text, err := levelBand(plan, x.Level)
	if err != nil {
		return nil, err
	}
	g, err := s.ground(ctx, plan, []domain.Grid{x}, opt.SplitChildren)
	if err != nil {
		return nil, err
	}
	var h, p int64
	for _, a := range g.Atoms {
		h, p = h+a.Households, p+a.Persons
	}
	ans := &SplitAnswer{Grid: Subject{Code: x.Code, Name: x.Name, Level: x.Level, BandText: text,
		Figures: Figures{Households: h, Persons: p, AreaM2: round(planarArea(x.Geometry), 1), Band: bandOf(band, p, h),
			PolsbyPopper: round(geo.PolsbyPopper(x.Geometry), 3)}}, Atoms: "child grids"}
	if opt.SplitChildren || !hasChildAtoms(g, x.Code) {
		ans.Atoms = "blocks"
	}
	if ans.Grid.Band != "over" {
		return nil, domain.Errorf(domain.ErrInvalid, "grid %s has %d households and %d persons, %s its band (%s): there is nothing to split",
			describe(x), h, p, bandWords(ans.Grid.Band), text)
	}
	if ans.K, err = partsFor(x, band, text, p, h, opt.K, len(g.Atoms), ans.Atoms); err != nil {
		return nil, err
	}
	alts := opt.Alternatives
	if alts <= 0 {
		alts = 3
	}
	parts, err := SplitGraph(g, band, ans.K, alts)
	if err != nil {
		return nil, err
	}
	var props []SplitProposal
	for _, part := range parts {
		sp, err := s.splitProposal(ctx, plan, x, g, part, opt.SplitChildren)
		if err != nil {
			return nil, err
		}
		props = append(props, sp)
	}
	ans.Proposals, ans.Refused, err = finish(ctx, s, plan, props, func(p *SplitProposal) *Proposal { return &p.Proposal }, opt.Preview)
	return ans, err
}

// partsFor decides k: the one asked for, checked, or the fewest parts
// whose mean fits the band.
func partsFor(x domain.Grid, band domain.Band, text string, p, h int64, asked, atoms int, kind string) (int, error) {
	lo, hi := feasibleParts(band, p, h)
	lo = max(lo, 2)
	if lo > hi {
		return 0, domain.Errorf(domain.ErrInvalid, "no number of parts brings grid %s (%d households, %d persons) within its band (%s): in %d part(s) it is over the band, in %d the parts would fall under it; "+
			"move some of its ground to an under-band neighbour instead (gridplan suggest rebalance %s)", describe(x), h, p, text, lo-1, lo, x.Parent)
	}
	k := asked
	if k == 0 {
		k = lo
	}
	switch {
	case k < 2:
		return 0, domain.Errorf(domain.ErrInvalid, "k must be 2 or more, not %d", k)
	case k < lo || k > hi:
		return 0, domain.Errorf(domain.ErrInvalid, "k=%d would give parts of %.0f households and %.0f persons on average, outside the band (%s); for grid %s k must be %s",
			k, float64(h)/float64(k), float64(p)/float64(k), text, x.Code, kRange(lo, hi))
	case k > atoms:
		return 0, domain.Errorf(domain.ErrInvalid, "grid %s has %d %s, too few for k=%d parts; ask for fewer parts or for child grids to be split", x.Code, atoms, kind, k)
	}
	return k, nil
}

func kRange(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("between %d and %d", lo, hi)
}

func bandWords(b string) string {
	if b == "under" {
		return "under"
	}
	return "within"
}

func describe(g domain.Grid) string {
	if g.Name != "" {
		return g.Code + " " + g.Name
	}
	return g.Code
}

func hasChildAtoms(g *Graph, self string) bool {
	for _, a := range g.Atoms {
		if a.Child != "" && a.Child != self {
			return true
		}
	}
	return false
}

// splitProposal turns a partition of the grid into its split op and
// figures.
func (s *Service) splitProposal(ctx context.Context, plan domain.Plan, x domain.Grid, g *Graph, part *Partition, splitChildren bool) (SplitProposal, error) {
	k := part.Parts()
	shapes, err := g.Shapes(part.Label, k)
	if err != nil {
		return SplitProposal{}, err
	}
	sp := SplitProposal{Parts: make([]Part, k)}
	inside := make([]orb.Geometry, k)
	for i, sh := range shapes {
		sum := part.parts[i]
		pt, _ := geo.InteriorPoint(sh)
		inside[i] = pt
		sp.Parts[i] = Part{Figures: Figures{Households: sum.households, Persons: sum.persons, AreaM2: round(planarArea(sh), 1),
			Band: bandOf(part.band, sum.persons, sum.households), PolsbyPopper: round(geo.PolsbyPopper(sh), 3)}}
	}
	for a, at := range g.Atoms {
		if at.Child != "" && at.Child != x.Code {
			sp.Parts[part.Label[a]].Children = append(sp.Parts[part.Label[a]].Children, at.Child)
		}
		for _, l := range g.Links[a] {
			if int(l.To) > a && part.Label[l.To] != part.Label[a] {
				sp.CutM += l.LengthM
				sp.StreetCutM += l.StreetM
			}
		}
	}
	sp.CutM, sp.StreetCutM = round(sp.CutM, 1), round(sp.StreetCutM, 1)
	lines := g.CutLines(part.Label)
	geoms := append(append([]orb.Geometry{}, inside...), linesAsGeometry(lines)...)
	ll, err := s.toWGS84(ctx, plan, geoms)
	if err != nil {
		return sp, err
	}
	for i := range k {
		p := ll[i].(orb.Point)
		sp.Parts[i].Point = [2]float64{p[0], p[1]}
	}
	op := map[string]any{"op": "split", "grid": x.Code}
	var gl []*geojson.Geometry
	for _, l := range ll[k:] {
		gl = append(gl, geojson.NewGeometry(l))
	}
	op["lines"] = gl
	if splitChildren {
		op["split_children"] = true
	}
	sp.WithinBand = part.cost().gap <= costEps
	sp.Why = splitWhy(sp, k)
	sp.ChangeSet, err = changeSet(plan, fmt.Sprintf("split %s into %d parts (suggested)", x.Code, k), op)
	return sp, err
}

// splitWhy explains a proposal in a sentence.
func splitWhy(sp SplitProposal, k int) string {
	var h, pp []string
	for _, p := range sp.Parts {
		h = append(h, fmt.Sprint(p.Households))
		pp = append(pp, fmt.Sprintf("%.2f", p.PolsbyPopper))
	}
	within := "all within the band"
	if !sp.WithinBand {
		within = "not all within the band"
	}
	street := 0.0
	if sp.CutM > 0 {
		street = 100 * sp.StreetCutM / sp.CutM
	}
	return fmt.Sprintf("%d parts of %s households, %s; cut %.0f m long, %.0f%% along streets; Polsby–Popper %s",
		k, strings.Join(h, ", "), within, sp.CutM, street, strings.Join(pp, ", "))
}

func linesAsGeometry(ls []orb.LineString) []orb.Geometry {
	out := make([]orb.Geometry, len(ls))
	for i, l := range ls {
		out[i] = l
	}
	return out
}

// changeSet writes a change set of ops, based on the view's version so
// that applying it later finds out whether the grids moved meanwhile.
func changeSet(plan domain.Plan, message string, ops ...map[string]any) (json.RawMessage, error) {
	cs := map[string]any{"message": message, "ops": ops}
	if plan.GridVersion > 0 {
		cs["base"] = plan.GridVersion
	}
	return json.Marshal(cs)
}

func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}
