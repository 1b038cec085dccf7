package suggest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// RebalanceOptions shape a rebalance suggestion.
type RebalanceOptions struct {
	Preview bool // dry-run the change set through the editing layer
}

// RebalanceAnswer is the answer to a rebalance request about a parent.
type RebalanceAnswer struct {
	Parent          Subject      `json:"parent"`
	Level           int          `json:"level"`
	BandText        string       `json:"band_text"`
	Atoms           string       `json:"atoms"`
	GridsBefore     int          `json:"grids_before"`
	GridsAfter      int          `json:"grids_after"`
	WithinBefore    int          `json:"within_band_before"`
	WithinAfter     int          `json:"within_band_after"`
	HouseholdsMoved int64        `json:"households_moved"`
	PersonsMoved    int64        `json:"persons_moved"`
	ChangedAreaM2   float64      `json:"changed_area_m2"`
	Grids           []GridChange `json:"grids"`
	// Proposals holds the one change set (reshape, merge and split ops),
	// or none when the editing layer refused it (see Refused).
	Proposals []Proposal `json:"proposals"`
	Refused   []string   `json:"refused,omitempty"`
}

// GridChange is what a rebalancing does to one grid.
type GridChange struct {
	Code   string  `json:"code"` // "" for a new grid
	Name   string  `json:"name,omitempty"`
	Fate   string  `json:"fate"` // kept, merged into X, split (new codes)
	Before Figures `json:"before"`
	After  Figures `json:"after"`
	// Households and ground that come in from other grids and go out to
	// them.
	HouseholdsIn  int64   `json:"households_in"`
	HouseholdsOut int64   `json:"households_out"`
	AreaInM2      float64 `json:"area_in_m2"`
	AreaOutM2     float64 `json:"area_out_m2"`
}

// Rebalance proposes a re-partition of the children of grid code that
// brings every one of them within its band with the least change. It
// refuses (ErrInvalid) a parent all of whose children are within band.
func (s *Service) Rebalance(ctx context.Context, plan domain.Plan, code string, opt RebalanceOptions) (*RebalanceAnswer, error) {
	ans, _, err := s.rebalance(ctx, plan, code, opt)
	return ans, err
}

// Worked is a rebalancing with the ground it was computed on and the band
// it aimed at, for measuring how it came out (internal/bench).
type Worked struct {
	Graph       *Graph
	Rebalancing *Rebalancing
	Band        domain.Band
}

// RebalanceWorked is Rebalance with the rebalancing behind its answer.
func (s *Service) RebalanceWorked(ctx context.Context, plan domain.Plan, code string, opt RebalanceOptions) (*RebalanceAnswer, Worked, error) {
	ans, r, err := s.rebalance(ctx, plan, code, opt)
	if err != nil {
		return nil, Worked{}, err
	}
	return ans, Worked{Graph: r.g, Rebalancing: r.rb, Band: r.band}, nil
}

// rebalanced is a rebalancing with what it was computed on.
type rebalanced struct {
	g     *Graph
	rb    *Rebalancing
	grids []domain.Grid
	band  domain.Band
}

func (s *Service) rebalance(ctx context.Context, plan domain.Plan, code string, opt RebalanceOptions) (*RebalanceAnswer, *rebalanced, error) {
	parent, err := s.grid(ctx, plan, code)
	if err != nil {
		return nil, nil, err
	}
	tiling, _, err := s.children(ctx, plan, []domain.Grid{parent})
	if err != nil {
		return nil, nil, err
	}
	grids := slices.DeleteFunc(tiling, func(g domain.Grid) bool { return g.Kind != domain.KindBase })
	if len(grids) == 0 {
		return nil, nil, domain.Errorf(domain.ErrInvalid, "grid %s has no base child grids to rebalance", describe(parent))
	}
	band, text, err := levelBand(plan, parent.Level+1)
	if err != nil {
		return nil, nil, err
	}
	g, err := s.ground(ctx, plan, grids, false)
	if err != nil {
		return nil, nil, err
	}
	ans := &RebalanceAnswer{Parent: Subject{Code: parent.Code, Name: parent.Name, Level: parent.Level}, Level: parent.Level + 1,
		BandText: text, Atoms: "child grids", GridsBefore: len(grids)}
	home := make([]int, len(g.Atoms))
	var h, p int64
	for a, at := range g.Atoms {
		home[a] = at.Home
		h, p = h+at.Households, p+at.Persons
	}
	start := NewPartition(g, band, home, len(grids))
	for _, sum := range start.parts {
		if bandOf(band, sum.persons, sum.households) == "within" {
			ans.WithinBefore++
		}
	}
	if ans.WithinBefore == len(grids) {
		return nil, nil, domain.Errorf(domain.ErrInvalid, "all %d grids of %s are within their band (%s): nothing to rebalance", len(grids), describe(parent), text)
	}
	targets := []int{len(grids)}
	if lo, hi := feasibleParts(band, p, h); lo <= hi {
		if t := min(max(len(grids), lo), hi); t != len(grids) {
			// The band needs another number of grids; should the editing
			// layer refuse the merges or splits that takes, keeping the
			// number is the fallback.
			targets = []int{t, len(grids)}
		}
	}
	var refused []string
	var best *RebalanceAnswer
	var bestR *rebalanced
	for _, target := range targets {
		a := *ans
		r, err := s.rebalanceInto(ctx, plan, parent, &a, g, grids, band, target, opt)
		if err != nil {
			return nil, nil, err
		}
		refused = append(refused, a.Refused...)
		best, bestR = &a, r
		if len(a.Proposals) > 0 {
			break
		}
	}
	best.Refused = refused
	return best, bestR, nil
}

// rebalanceInto re-partitions the ground into target grids and previews
// the change set.
func (s *Service) rebalanceInto(ctx context.Context, plan domain.Plan, parent domain.Grid, ans *RebalanceAnswer, g *Graph,
	grids []domain.Grid, band domain.Band, target int, opt RebalanceOptions) (*rebalanced, error) {
	var frozen []bool
	var r *rebalanced
	var cs []byte
	var err error
	for try := 0; ; try++ {
		var rb *Rebalancing
		if rb, err = Rebalance(g, band, len(grids), target, frozen); err != nil {
			return nil, err
		}
		r = &rebalanced{g: g, rb: rb, grids: grids, band: band}
		cs, err = s.rebalanceChangeSet(ctx, plan, parent, r)
		var stuck *unordered
		if errors.As(err, &stuck) && try < 3 {
			if frozen == nil {
				frozen = make([]bool, len(g.Atoms))
			}
			for _, a := range stuck.atoms {
				frozen[a] = true
			}
			continue
		}
		break
	}
	var stuck *unordered
	if errors.As(err, &stuck) {
		cs, ans.Refused = nil, []string{stuck.Error()}
	} else if err != nil {
		return nil, err
	}
	if err := s.describeRebalance(ans, r); err != nil {
		return nil, err
	}
	ans.Proposals = []Proposal{}
	if cs == nil {
		return r, nil
	}
	prop := Proposal{WithinBand: ans.WithinAfter == ans.GridsAfter, ChangeSet: cs,
		Why: fmt.Sprintf("%d of %d grids within the band before, %d of %d after; %d households and %.0f m² of ground change grid",
			ans.WithinBefore, ans.GridsBefore, ans.WithinAfter, ans.GridsAfter, ans.HouseholdsMoved, ans.ChangedAreaM2)}
	ans.Proposals, ans.Refused, err = finish(ctx, s, plan, []Proposal{prop}, itself, opt.Preview)
	return r, err
}

// describeRebalance fills in the figures of each grid before and after.
func (s *Service) describeRebalance(ans *RebalanceAnswer, r *rebalanced) error {
	rb, g := r.rb, r.g
	shapes, err := g.Shapes(rb.Label, rb.Parts())
	if err != nil {
		return err
	}
	changes := make([]GridChange, rb.Parts())
	for i := range changes {
		c := &changes[i]
		if i < len(r.grids) {
			x := r.grids[i]
			c.Code, c.Name, c.Fate = x.Code, x.Name, "kept"
			c.Before = Figures{AreaM2: round(planarArea(x.Geometry), 1), PolsbyPopper: round(geo.PolsbyPopper(x.Geometry), 3)}
		} else {
			c.Fate = fmt.Sprintf("new: cut from %s", r.grids[rb.CutFrom[i]].Code)
		}
	}
	for _, m := range rb.Merges {
		changes[m[0]].Fate = "merged into " + r.grids[m[1]].Code
	}
	for from := range invert(rb.CutFrom) {
		changes[from].Fate = "split: its part and the new grid's take new codes"
	}
	for a, at := range g.Atoms {
		b, f := &changes[at.Home], &changes[rb.Label[a]]
		b.Before.Households += at.Households
		b.Before.Persons += at.Persons
		f.After.Households += at.Households
		f.After.Persons += at.Persons
		f.After.AreaM2 += at.AreaM2
		if rb.Label[a] != at.Home {
			b.HouseholdsOut += at.Households
			b.AreaOutM2 += at.AreaM2
			f.HouseholdsIn += at.Households
			f.AreaInM2 += at.AreaM2
			ans.HouseholdsMoved += at.Households
			ans.PersonsMoved += at.Persons
			ans.ChangedAreaM2 += at.AreaM2
		}
	}
	ans.ChangedAreaM2 = round(ans.ChangedAreaM2, 1)
	for i := range changes {
		c := &changes[i]
		if i < len(r.grids) {
			c.Before.Band = bandOf(r.band, c.Before.Persons, c.Before.Households)
		}
		c.AreaInM2, c.AreaOutM2, c.After.AreaM2 = round(c.AreaInM2, 1), round(c.AreaOutM2, 1), round(c.After.AreaM2, 1)
		if len(shapes[i]) > 0 {
			c.After.Band = bandOf(r.band, c.After.Persons, c.After.Households)
			c.After.PolsbyPopper = round(geo.PolsbyPopper(shapes[i]), 3)
			ans.GridsAfter++
			if c.After.Band == "within" {
				ans.WithinAfter++
			}
		}
	}
	ans.Grids = changes
	return nil
}

func invert(m map[int]int) map[int][]int {
	out := map[int][]int{}
	for k, v := range m {
		out[v] = append(out[v], k)
	}
	return out
}

// rebalanceChangeSet writes the rebalancing's steps as ops; nil when
// nothing moves.
func (s *Service) rebalanceChangeSet(ctx context.Context, plan domain.Plan, parent domain.Grid, r *rebalanced) ([]byte, error) {
	steps, err := r.rb.Steps()
	if err != nil || len(steps) == 0 {
		return nil, err
	}
	ops := make([]map[string]any, len(steps))
	var geoms []orb.Geometry
	var at []int // op index of each geometry
	for i, st := range steps {
		code := r.grids[st.Target].Code
		switch st.Kind {
		case "merge":
			ops[i] = map[string]any{"op": "merge", "grids": []string{code, r.grids[st.Merged].Code}, "keep": code}
		case "reshape":
			shapes, err := r.g.Shapes(st.Labels, len(r.grids))
			if err != nil {
				return nil, err
			}
			ops[i] = map[string]any{"op": "reshape", "grid": code}
			geoms, at = append(geoms, shapes[st.Target]), append(at, i)
		case "split":
			ops[i] = map[string]any{"op": "split", "grid": code}
			for _, l := range r.g.CutLines(st.Labels) {
				geoms, at = append(geoms, l), append(at, i)
			}
		}
	}
	ll, err := s.toWGS84(ctx, plan, geoms)
	if err != nil {
		return nil, err
	}
	for k, gm := range ll {
		op := ops[at[k]]
		if op["op"] == "reshape" {
			op["geometry"] = geojson.NewGeometry(gm)
		} else {
			lines, _ := op["lines"].([]*geojson.Geometry)
			op["lines"] = append(lines, geojson.NewGeometry(gm))
		}
	}
	var kinds []string
	for _, op := range ops {
		kinds = append(kinds, op["op"].(string))
	}
	return changeSet(plan, fmt.Sprintf("rebalance the grids of %s (suggested: %s)", parent.Code, strings.Join(kinds, ", ")), ops...)
}
