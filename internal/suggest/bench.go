package suggest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

// Bench measures the assistant on plan (the demo district), in one run:
// a split proposal for every over-band grid, merge proposals for every
// street with an under-band community, a rebalancing of every community
// with out-of-band grids — each computed, then previewed by the editing
// layer — and the rebalancings against the naive baseline (fresh
// equal-household k-means regions of the same ground): grids within the
// band, households moved, ground changed, compactness. `gridplan bench
// suggest` prints it.
func Bench(ctx context.Context, db *store.DB, plan domain.Plan, runs int) ([]bench.Result, error) {
	ctx = domain.WithActor(ctx, domain.CLIActor())
	walks := circles.New(db, circles.Options{})
	checks := balance.New(db, balance.Options{})
	a := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: checks}, audit.Check{Name: audit.Circles, Checker: walks})
	if _, err := a.Run(ctx, plan, []string{audit.Balance}); err != nil {
		return nil, err
	}
	s := New(db, editing.New(db, a, nil, editing.Options{}), walks, nil)
	var out []bench.Result
	for _, step := range []func(context.Context, *Service, domain.Plan, int) ([]bench.Result, error){benchSplits, benchMerges, benchRebalance} {
		rs, err := step(ctx, s, plan, runs)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// outOfBand lists the codes of level's base grids out of band (or, with
// parents, their parents), from the balance results just stored.
func outOfBand(ctx context.Context, s *Service, plan domain.Plan, level int, band string, parents bool) ([]string, error) {
	var out []string
	err := s.db.EachGrid(ctx, plan.Workspace, store.GridFilter{Level: level}, func(g domain.Grid) error {
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

func benchSplits(ctx context.Context, s *Service, plan domain.Plan, _ int) ([]bench.Result, error) {
	over, err := outOfBand(ctx, s, plan, 3, "over", false)
	if err != nil {
		return nil, err
	}
	var compute, preview timed
	infeasible, within, refused, apart := 0, 0, 0, 0
	for _, code := range over {
		start := time.Now()
		ans, err := s.Split(ctx, plan, code, SplitOptions{})
		if domain.ErrorCode(err) == domain.ErrInvalid && strings.Contains(domain.ErrorMessage(err), "no number of parts") {
			infeasible++
			continue
		}
		if err != nil {
			return nil, err
		}
		compute = append(compute, time.Since(start))
		start = time.Now()
		ans, err = s.Split(ctx, plan, code, SplitOptions{Preview: true})
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
	return []bench.Result{
		{Name: "split proposal, one grid (median; max " + ms(compute.max()) + ")", Measured: compute.median(), Target: "< 200 ms", Note: note},
		{Name: "split proposals previewed by the editing layer (3 dry runs; median)", Measured: preview.median(), Note: "max " + ms(preview.max())},
	}, nil
}

func benchMerges(ctx context.Context, s *Service, plan domain.Plan, _ int) ([]bench.Result, error) {
	streets, err := outOfBand(ctx, s, plan, 2, "under", true)
	if err != nil {
		return nil, err
	}
	var compute, preview timed
	proposals, rejected := 0, 0
	var cold time.Duration
	for i, code := range streets {
		start := time.Now()
		ans, err := s.Merge(ctx, plan, code, MergeOptions{})
		if err != nil {
			return nil, err
		}
		if i == 0 {
			cold = time.Since(start) // loads the walking network and snaps every unit
			start = time.Now()
			if ans, err = s.Merge(ctx, plan, code, MergeOptions{}); err != nil {
				return nil, err
			}
		}
		compute = append(compute, time.Since(start))
		start = time.Now()
		if ans, err = s.Merge(ctx, plan, code, MergeOptions{Preview: true}); err != nil {
			return nil, err
		}
		preview = append(preview, time.Since(start))
		proposals += len(ans.Proposals)
		rejected += len(ans.Rejected)
	}
	note := fmt.Sprintf("%d streets with an under-band community: %d merges keep the rule (community service centre within 10 min), %d unions within the band break it; the first call, loading the network, took %s",
		len(streets), proposals, rejected, ms(cold))
	return []bench.Result{
		{Name: "merge proposals, a street's communities (max; median " + ms(compute.median()) + ")", Measured: compute.max(), Target: "< 1 s", Note: note},
		{Name: "the same, previewed by the editing layer (max)", Measured: preview.max()},
	}, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
