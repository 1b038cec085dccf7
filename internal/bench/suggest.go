package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/internal/suggest"
)

// Suggest measures the redistricting assistant on the demo district, in
// one run: a split proposal for every over-band grid, merge proposals for
// every street with an under-band community, a rebalancing of every
// community with out-of-band grids — each computed, then previewed by the
// editing layer — and the rebalancings against the naive baseline (fresh
// equal-household k-means regions of the same ground): grids within the
// band, households moved, ground changed, compactness.
func Suggest(ctx context.Context, s Setup) ([]Result, error) {
	ctx = domain.WithActor(ctx, domain.CLIActor())
	a := s.NewAuditor()
	if _, err := a.Run(ctx, s.Plan, []string{audit.Balance}); err != nil {
		return nil, err
	}
	walks, _ := a.Checker(audit.Circles).(*circles.Checker)
	svc := suggest.New(s.DB, s.NewEditing(a), walks, nil)
	var out []Result
	for _, step := range []func(context.Context, *store.DB, *suggest.Service, domain.Plan) ([]Result, error){suggestSplits, suggestMerges, suggestRebalance} {
		rs, err := step(ctx, s.DB, svc, s.Plan)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// outOfBand lists the codes of level's base grids out of band (or, with
// parents, their parents), from the balance results just stored.
func outOfBand(ctx context.Context, db *store.DB, plan domain.Plan, level int, band string, parents bool) ([]string, error) {
	var out []string
	err := db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: level}, func(g domain.Grid) error {
		if g.Kind != domain.KindBase || g.Stats == nil || g.Stats.Band == "within" || (band != "" && g.Stats.Band != band) {
			return nil
		}
		code := g.Code
		if parents {
			code = g.Parent
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
		return nil
	})
	return out, err
}

// timed is the time of each of a list of calls, with the median and
// the worst.
type timed []time.Duration

func (t timed) median() time.Duration {
	if len(t) == 0 {
		return 0
	}
	s := slices.Clone(t)
	slices.Sort(s)
	return s[len(s)/2]
}

func (t timed) max() time.Duration {
	if len(t) == 0 {
		return 0
	}
	return slices.Max(t)
}

func (t timed) total() time.Duration {
	var sum time.Duration
	for _, d := range t {
		sum += d
	}
	return sum
}

func suggestSplits(ctx context.Context, db *store.DB, s *suggest.Service, plan domain.Plan) ([]Result, error) {
	over, err := outOfBand(ctx, db, plan, 3, "over", false)
	if err != nil {
		return nil, err
	}
	var compute, preview timed
	infeasible, within, refused, apart := 0, 0, 0, 0
	for _, code := range over {
		start := time.Now()
		ans, err := s.Split(ctx, plan, code, suggest.SplitOptions{})
		if domain.ErrorCode(err) == domain.ErrInvalid && strings.Contains(domain.ErrorMessage(err), "no number of parts") {
			infeasible++
			continue
		}
		if err != nil {
			return nil, err
		}
		compute = append(compute, time.Since(start))
		start = time.Now()
		ans, err = s.Split(ctx, plan, code, suggest.SplitOptions{Preview: true})
		if err != nil {
			return nil, err
		}
		preview = append(preview, time.Since(start))
		switch {
		case len(ans.Proposals) == 0:
			refused++
		case ans.Proposals[0].WithinBand:
			within++
		default:
			apart++
		}
	}
	note := fmt.Sprintf("%d over-band level-3 grids: %d cannot be split within the band by any number of parts (501–599 households); of the other %d, the top proposal is within the band for %d, no split along child grids is for %d, %d refused by the editing layer",
		len(over), infeasible, len(compute), within, apart, refused)
	return []Result{
		{Name: "split proposal, one grid (median; max " + ms(compute.max()) + ")", Measured: compute.median(), Target: "< 200 ms", Note: note},
		{Name: "split proposals previewed by the editing layer (3 dry runs; median)", Measured: preview.median(), Note: "max " + ms(preview.max())},
	}, nil
}

func suggestMerges(ctx context.Context, db *store.DB, s *suggest.Service, plan domain.Plan) ([]Result, error) {
	streets, err := outOfBand(ctx, db, plan, 2, "under", true)
	if err != nil {
		return nil, err
	}
	var compute, preview timed
	proposals, rejected := 0, 0
	var cold time.Duration
	for i, code := range streets {
		start := time.Now()
		ans, err := s.Merge(ctx, plan, code, suggest.MergeOptions{})
		if err != nil {
			return nil, err
		}
		if i == 0 {
			cold = time.Since(start) // loads the walking network and snaps every unit
			start = time.Now()
			if ans, err = s.Merge(ctx, plan, code, suggest.MergeOptions{}); err != nil {
				return nil, err
			}
		}
		compute = append(compute, time.Since(start))
		start = time.Now()
		if ans, err = s.Merge(ctx, plan, code, suggest.MergeOptions{Preview: true}); err != nil {
			return nil, err
		}
		preview = append(preview, time.Since(start))
		proposals += len(ans.Proposals)
		rejected += len(ans.Rejected)
	}
	note := fmt.Sprintf("%d streets with an under-band community: %d merges keep the rule (community service centre within 10 min), %d unions within the band break it; the first call, loading the network, took %s",
		len(streets), proposals, rejected, ms(cold))
	return []Result{
		{Name: "merge proposals, a street's communities (max; median " + ms(compute.median()) + ")", Measured: compute.max(), Target: "< 1 s", Note: note},
		{Name: "the same, previewed by the editing layer (max)", Measured: preview.max()},
	}, nil
}
