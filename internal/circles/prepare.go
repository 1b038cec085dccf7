package circles

import (
	"context"
	"slices"
	"strings"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
)

// GridDelta is one rule's coverage of one grid before and after a change
// set; a grid absent on one side has null there.
type GridDelta struct {
	Code              string   `json:"code"`
	FacilityType      string   `json:"facility_type"`
	Minutes           int      `json:"minutes"`
	CoveragePctBefore *float64 `json:"coverage_pct_before"`
	CoveragePctAfter  *float64 `json:"coverage_pct_after"`
	PersonsBefore     int64    `json:"persons_before"`
	PersonsAfter      int64    `json:"persons_after"`
}

// Delta is what a change set does to the service circles, per rule and
// touched grid. Walks do not change (units, facilities and streets are the
// plan's), only which residents each grid holds.
type Delta struct {
	Grids []GridDelta `json:"grids"`
}

// Prepare computes each rule's coverage of the touched grids as changes
// leave them, from the rules' cached results and the view's membership.
func (c *Checker) Prepare(ctx context.Context, plan domain.Plan, changes []audit.Change) (audit.Prepared, error) {
	results, err := c.Evaluate(ctx, plan)
	if err != nil {
		return nil, err
	}
	m, ms, err := c.model(ctx, plan)
	if err != nil {
		return nil, err
	}
	changed := make(map[string]*gridMembers, len(changes))
	for _, ch := range changes {
		if ch.Noded {
			continue // the same ground: the same residents
		}
		if ch.After == nil {
			changed[ch.Code] = nil
			continue
		}
		changed[ch.Code] = &gridMembers{code: ch.Code, name: ch.After.Name, level: ch.After.Level,
			units: m.members(ch.After.Metric)}
	}
	codes := make([]string, 0, len(changed))
	for code := range changed {
		codes = append(codes, code)
	}
	slices.SortFunc(codes, strings.Compare)
	d := Delta{Grids: []GridDelta{}}
	for _, r := range results {
		for _, code := range codes {
			gd := GridDelta{Code: code, FacilityType: r.Rule.FacilityType, Minutes: r.Rule.Minutes}
			if i, ok := ms.byCode[code]; ok {
				gs := r.grid(ms.grids[i])
				gd.PersonsBefore = gs.Persons
				if gs.Persons > 0 {
					gd.CoveragePctBefore = &gs.CoveragePct
				}
			}
			if g := changed[code]; g != nil {
				gs := r.grid(*g)
				gd.PersonsAfter = gs.Persons
				if gs.Persons > 0 {
					gd.CoveragePctAfter = &gs.CoveragePct
				}
			}
			d.Grids = append(d.Grids, gd)
		}
	}
	return &prepared{c: c, ws: plan.Workspace, from: ms, changed: changed, delta: d}, nil
}

type prepared struct {
	c       *Checker
	ws      int64
	from    *membership
	changed map[string]*gridMembers
	delta   Delta
}

func (p *prepared) Delta() any { return p.delta }

// Commit installs the view's new membership when the cache still holds
// the one prepared from.
func (p *prepared) Commit(_ context.Context, version int64) error {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.c.members.Swap(p.ws, p.from, p.from.with(version, p.changed))
	return nil
}
