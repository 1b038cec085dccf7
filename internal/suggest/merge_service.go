package suggest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// MergeOptions shape a merge suggestion.
type MergeOptions struct {
	// Rule is TYPE:MINUTES, one of the plan's circle rules; "" means the
	// service-centre rule of the level (street_service_centre for streets,
	// community_service_centre below), its shortest circle.
	Rule         string
	Alternatives int  // proposals wanted; 0 means 5
	Preview      bool // dry-run each proposal through the editing layer
}

// MergeAnswer is the answer to a merge request about a parent's children.
type MergeAnswer struct {
	Parent    Subject         `json:"parent"`
	Level     int             `json:"level"`
	BandText  string          `json:"band_text"`
	Rule      RuleInfo        `json:"rule"`
	Under     []string        `json:"under"` // the children under their band
	Proposals []MergeProposal `json:"proposals"`
	// Rejected are unions within the band that break the walking rule,
	// most covered first (at most ten).
	Rejected []MergeRejected `json:"rejected"`
	Refused  []string        `json:"refused,omitempty"`
}

// RuleInfo is the walking rule a merge must keep.
type RuleInfo struct {
	FacilityType string   `json:"facility_type"`
	AlsoTypes    []string `json:"also_types,omitempty"`
	Minutes      int      `json:"minutes"`
	SpeedMPerMin float64  `json:"speed_m_per_min"`
	DistanceM    float64  `json:"distance_m"`
	Method       string   `json:"method"` // network, or straight_line for a plan without one
}

// Kept is the facility that would serve the merged grid.
type Kept struct {
	ID    int64      `json:"id"`
	Type  string     `json:"type"`
	Name  string     `json:"name"`
	Grid  string     `json:"grid,omitempty"` // the member it stands in ("" outside them)
	Point [2]float64 `json:"point"`
}

// MergeProposal is one merge that keeps the walking rule.
type MergeProposal struct {
	Proposal
	Grids []string `json:"grids"`
	Keep  string   `json:"keep"`
	Figures
	Facility Kept `json:"facility"`
	// Coverage is the share of the members' persons within the rule's
	// walk: before, of the nearest facility of the rule's types; after,
	// of the kept facility alone.
	CoverageBeforePct float64 `json:"coverage_before_pct"`
	CoverageAfterPct  float64 `json:"coverage_after_pct"`
	MaxWalkM          float64 `json:"max_walk_m"`
	MaxWalkMin        float64 `json:"max_walk_min"`
	SharedBoundaryM   float64 `json:"shared_boundary_m"`
}

// MergeRejected is a union within the band that the walking rule forbids.
type MergeRejected struct {
	Grids            []string `json:"grids"`
	Households       int64    `json:"households"`
	Persons          int64    `json:"persons"`
	Facility         *Kept    `json:"facility"`
	PersonsBeyond    int64    `json:"persons_beyond"`
	CoverageAfterPct float64  `json:"coverage_after_pct"`
	Why              string   `json:"why"`
}

// Merge proposes merges (撤并) among the children of grid code: unions
// of two or three adjacent children, at least one under the band, that
// are within it and all of whose residents walk to the facility kept for
// them within the rule. It refuses (ErrInvalid) parents none of whose
// children is under the band, and rules the plan does not have.
func (s *Service) Merge(ctx context.Context, plan domain.Plan, code string, opt MergeOptions) (*MergeAnswer, error) {
	if s.circles == nil {
		return nil, domain.Errorf(domain.ErrInvalid, "merge suggestions need the circles check, which this server does not run")
	}
	parent, err := s.grid(ctx, plan, code)
	if err != nil {
		return nil, err
	}
	tiling, _, err := s.children(ctx, plan, []domain.Grid{parent})
	if err != nil {
		return nil, err
	}
	kids := slices.DeleteFunc(tiling, func(g domain.Grid) bool { return g.Kind != domain.KindBase })
	if len(kids) < 2 {
		return nil, domain.Errorf(domain.ErrInvalid, "grid %s has %d base child grid(s): nothing to merge", describe(parent), len(kids))
	}
	band, text, err := levelBand(plan, parent.Level+1)
	if err != nil {
		return nil, err
	}
	rule, err := s.rule(ctx, plan, opt.Rule, parent.Level+1)
	if err != nil {
		return nil, err
	}
	members, err := s.residents(ctx, plan, parent, kids)
	if err != nil {
		return nil, err
	}
	ans := &MergeAnswer{Parent: Subject{Code: parent.Code, Name: parent.Name, Level: parent.Level}, Level: parent.Level + 1,
		BandText: text, Rule: RuleInfo{FacilityType: rule.FacilityType, AlsoTypes: rule.AlsoTypes, Minutes: rule.Minutes,
			SpeedMPerMin: rule.SpeedMPerMin, DistanceM: rule.DistanceM()}, Under: []string{}, Rejected: []MergeRejected{}}
	sibs := make([]Sibling, len(kids))
	for i, k := range kids {
		sibs[i] = Sibling{Code: k.Code, Persons: members[i].persons, Households: members[i].households, Geometry: k.Geometry}
		if bandOf(band, sibs[i].Persons, sibs[i].Households) == "under" {
			ans.Under = append(ans.Under, k.Code)
		}
	}
	if len(ans.Under) == 0 {
		return nil, domain.Errorf(domain.ErrInvalid, "none of the %d grids of %s is under its band (%s): nothing to merge", len(kids), describe(parent), text)
	}
	facilities, err := s.db.FacilityPlaces(ctx, plan.ID, rule.Types())
	if err != nil {
		return nil, err
	}
	tol := plan.Tolerance.SliverWidthM
	if !(tol > 0) {
		tol = domain.DefaultTolerance.SliverWidthM
	}
	var valid []MergeProposal
	var scores []float64
	for _, g := range MergeGroups(sibs, band, tol) {
		j, err := s.judgeMerge(ctx, plan, rule, kids, members, facilities, g)
		if err != nil {
			return nil, err
		}
		ans.Rule.Method = j.method
		if j.rejected != nil {
			ans.Rejected = append(ans.Rejected, *j.rejected)
			continue
		}
		valid = append(valid, j.proposal)
		scores = append(scores, mergeScore(g, j.proposal.MaxWalkM, rule.DistanceM()))
	}
	order := make([]int, len(valid))
	for i := range order {
		order[i] = i
	}
	sortGroups(order, func(i int) float64 { return scores[i] }, func(i int) []int { return []int{i} })
	slices.SortStableFunc(ans.Rejected, func(a, b MergeRejected) int { return cmp.Compare(b.CoverageAfterPct, a.CoverageAfterPct) })
	ans.Rejected = ans.Rejected[:min(10, len(ans.Rejected))]
	want := opt.Alternatives
	if want <= 0 {
		want = 5
	}
	var props []MergeProposal
	for _, i := range order[:min(want, len(order))] {
		props = append(props, valid[i])
	}
	ans.Proposals, ans.Refused, err = finish(ctx, s, plan, props, func(p *MergeProposal) *Proposal { return &p.Proposal }, opt.Preview)
	if err != nil {
		return nil, err
	}
	return ans, nil
}

// rule resolves TYPE:MINUTES among the plan's circle rules, or the
// service-centre rule of a level.
func (s *Service) rule(ctx context.Context, plan domain.Plan, spec string, level int) (domain.CircleRule, error) {
	rules, err := s.db.CircleRules(ctx, plan.ID)
	if err != nil {
		return domain.CircleRule{}, err
	}
	var names []string
	for _, r := range rules {
		names = append(names, fmt.Sprintf("%s:%d", r.FacilityType, r.Minutes))
	}
	list := strings.Join(names, ", ")
	if list == "" {
		list = "none"
	}
	if spec == "" {
		want := "community_service_centre"
		if level == 1 {
			want = "street_service_centre"
		}
		for _, r := range rules { // shortest circle first
			if r.FacilityType == want {
				return r, nil
			}
		}
		return domain.CircleRule{}, domain.Errorf(domain.ErrInvalid, "plan %q has no circle rule for %s; name one as --rule TYPE:MINUTES (the plan's rules: %s)", plan.Name, want, list)
	}
	typ, m, ok := strings.Cut(spec, ":")
	minutes, err := strconv.Atoi(m)
	if !ok || err != nil || typ == "" {
		return domain.CircleRule{}, domain.Errorf(domain.ErrInvalid, "rule %q: want TYPE:MINUTES, e.g. community_service_centre:10", spec)
	}
	for _, r := range rules {
		if r.FacilityType == typ && r.Minutes == minutes {
			return r, nil
		}
	}
	return domain.CircleRule{}, domain.Errorf(domain.ErrInvalid, "unknown rule %s: plan %q has the circle rules %s", spec, plan.Name, list)
}

// residents are the units whose point lies in a child grid.
type residents struct {
	persons, households int64
	units               []int64 // unit ids
	unitPersons         []int64 // by unit
}

// residents places the units under parent in its children (a unit on a
// shared boundary goes to the smallest code, as in the balance audit).
func (s *Service) residents(ctx context.Context, plan domain.Plan, parent domain.Grid, kids []domain.Grid) ([]residents, error) {
	units, err := s.db.UnitsIn(ctx, plan.ID, parent.Geometry.Bound())
	if err != nil {
		return nil, err
	}
	shapes := make([]orb.MultiPolygon, len(kids))
	for i, k := range kids {
		shapes[i] = k.Geometry
	}
	loc := geo.NewPointLocator(shapes)
	out := make([]residents, len(kids))
	var buf []int
	for _, u := range units {
		hit := loc.Containing(u.Point, buf[:0])
		if len(hit) == 0 {
			continue
		}
		best := slices.MinFunc(hit, func(a, b int) int { return strings.Compare(kids[a].Code, kids[b].Code) })
		r := &out[best]
		r.persons += int64(u.Persons)
		r.households += int64(u.Households)
		r.units = append(r.units, u.ID)
		r.unitPersons = append(r.unitPersons, int64(u.Persons))
	}
	return out, nil
}

// judged is a merge group judged against the walking rule.
type judged struct {
	proposal MergeProposal
	rejected *MergeRejected
	method   string
}

// judgeMerge chooses the facility that would serve a merged group — of
// those of the rule's types standing in it, else of those within the
// rule's distance of it, the one most of its persons reach — and judges
// the group by whether every resident reaches it.
func (s *Service) judgeMerge(ctx context.Context, plan domain.Plan, rule domain.CircleRule, kids []domain.Grid, members []residents,
	facilities []store.Place, g MergeGroup) (judged, error) {
	var units, persons []int64
	var codes []string
	var b orb.Bound
	keep, most := "", int64(-1)
	for k, i := range g.Members {
		codes = append(codes, kids[i].Code)
		units = append(units, members[i].units...)
		persons = append(persons, members[i].unitPersons...)
		if k == 0 {
			b = kids[i].Geometry.Bound()
		} else {
			b = b.Union(kids[i].Geometry.Bound())
		}
		if members[i].households > most {
			keep, most = kids[i].Code, members[i].households
		}
	}
	limit := rule.DistanceM()
	type cand struct {
		f       store.Place
		grid    string
		covered int64
		maxWalk float64
	}
	var cands []cand
	for _, f := range facilities {
		for _, i := range g.Members {
			if planar.MultiPolygonContains(kids[i].Geometry, f.Metric) {
				cands = append(cands, cand{f: f, grid: kids[i].Code})
				break
			}
		}
	}
	if len(cands) == 0 {
		reach := b.Pad(limit)
		for _, f := range facilities {
			if reach.Contains(f.Metric) {
				cands = append(cands, cand{f: f})
			}
		}
	}
	var total int64
	for _, p := range persons {
		total += p
	}
	var j judged
	best := -1
	for c := range cands {
		walks, method, err := s.circles.Walks(ctx, plan, rule, cands[c].f.ID, units)
		if err != nil {
			return judged{}, err
		}
		j.method = method
		for u, w := range walks {
			if persons[u] == 0 {
				continue
			}
			if w <= limit {
				cands[c].covered += persons[u]
			}
			cands[c].maxWalk = math.Max(cands[c].maxWalk, w)
		}
		if best < 0 || cands[c].covered > cands[best].covered ||
			(cands[c].covered == cands[best].covered && cands[c].maxWalk < cands[best].maxWalk) {
			best = c
		}
	}
	before, method, err := s.circles.Walks(ctx, plan, rule, 0, units)
	if err != nil {
		return judged{}, err
	}
	j.method = method
	var coveredBefore int64
	for u, w := range before {
		if w <= limit {
			coveredBefore += persons[u]
		}
	}
	pct := func(x int64) float64 {
		if total == 0 {
			return 100
		}
		return round(100*float64(x)/float64(total), 1)
	}
	fig := Figures{Households: g.Households, Persons: g.Persons, Band: "within"}
	if best < 0 {
		j.rejected = &MergeRejected{Grids: codes, Households: g.Households, Persons: g.Persons, PersonsBeyond: total,
			Why: fmt.Sprintf("no %s within %.0f m of %s", strings.Join(rule.Types(), " or "), limit, strings.Join(codes, " and "))}
		return j, nil
	}
	c := cands[best]
	kept := Kept{ID: c.f.ID, Type: c.f.Type, Name: c.f.Name, Grid: c.grid, Point: [2]float64{c.f.LonLat[0], c.f.LonLat[1]}}
	if c.covered < total {
		j.rejected = &MergeRejected{Grids: codes, Households: g.Households, Persons: g.Persons, Facility: &kept,
			PersonsBeyond: total - c.covered, CoverageAfterPct: pct(c.covered),
			Why: fmt.Sprintf("%d of %d persons would live more than %d minutes (%.0f m) from %s", total-c.covered, total, rule.Minutes, limit, facilityName(kept))}
		return j, nil
	}
	// The grid the kept facility stands in keeps its code; with the
	// facility outside them all, the most populous member does.
	if c.grid != "" {
		keep = c.grid
	}
	grids := append([]string{keep}, slices.DeleteFunc(slices.Clone(codes), func(x string) bool { return x == keep })...)
	p := MergeProposal{Grids: grids, Keep: keep, Figures: fig, Facility: kept, CoverageBeforePct: pct(coveredBefore),
		CoverageAfterPct: pct(c.covered), MaxWalkM: round(c.maxWalk, 1), MaxWalkMin: round(c.maxWalk/rule.SpeedMPerMin, 1),
		SharedBoundaryM: round(g.SharedM, 1)}
	p.WithinBand = true
	p.Why = fmt.Sprintf("%s: %d households and %d persons, within the band (fit %.2f); keeps %s: every resident within %.1f of %d minutes' walk (coverage %.1f%% → %.1f%%); %.0f m of shared boundary",
		strings.Join(codes, " + "), g.Households, g.Persons, g.Fit, facilityName(kept), p.MaxWalkMin, rule.Minutes,
		p.CoverageBeforePct, p.CoverageAfterPct, g.SharedM)
	p.ChangeSet, err = changeSet(plan, fmt.Sprintf("merge %s into %s (suggested)", strings.Join(codes, ", "), keep),
		map[string]any{"op": "merge", "grids": grids, "keep": keep})
	j.proposal = p
	return j, err
}

func facilityName(k Kept) string {
	if k.Name != "" {
		return fmt.Sprintf("%s (%s %d)", k.Name, k.Type, k.ID)
	}
	return fmt.Sprintf("%s %d", k.Type, k.ID)
}
