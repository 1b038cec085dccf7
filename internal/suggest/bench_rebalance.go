package suggest

import (
	"context"
	"fmt"
	"time"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/domain"
)

// quality is how a re-partition of communities' ground came out, summed
// over the communities.
type quality struct {
	grids, within int
	households    int64
	areaM2        float64
	compactness   float64 // sum of the grids' Polsby–Popper
	inPieces      int     // grids in more than one piece
	communities   int
}

// measure adds a partition of r's atoms into n parts to q.
func (q *quality) measure(r *rebalanced, labels []int, n int) error {
	g := r.g
	sums := make([]partSums, n)
	for a, at := range g.Atoms {
		s := &sums[labels[a]]
		s.households += at.Households
		s.persons += at.Persons
		s.atoms++
		if labels[a] != at.Home {
			q.households += at.Households
			q.areaM2 += at.AreaM2
		}
	}
	shapes, err := g.Shapes(labels, n)
	if err != nil {
		return err
	}
	for i, s := range sums {
		if s.atoms == 0 {
			continue
		}
		q.grids++
		if bandOf(r.band, s.persons, s.households) == "within" {
			q.within++
		}
		q.compactness += geo.PolsbyPopper(shapes[i])
		if len(shapes[i]) > 1 {
			q.inPieces++
		}
	}
	q.communities++
	return nil
}

func (q quality) String() string {
	pp := 0.0
	if q.grids > 0 {
		pp = q.compactness / float64(q.grids)
	}
	return fmt.Sprintf("%d of %d grids within the band, %d households and %.0f m² moved, mean Polsby–Popper %.3f, %d grids in pieces",
		q.within, q.grids, q.households, q.areaM2, pp, q.inPieces)
}

func benchRebalance(ctx context.Context, s *Service, plan domain.Plan, _ int) ([]bench.Result, error) {
	communities, err := outOfBand(ctx, s, plan, 3, "", true)
	if err != nil {
		return nil, err
	}
	var compute, preview, baseline, typical timed
	var mine, naive, before quality
	accepted := 0
	for _, code := range communities {
		start := time.Now()
		ans, r, err := s.rebalance(ctx, plan, code, RebalanceOptions{})
		if domain.ErrorCode(err) == domain.ErrInvalid {
			continue // all its grids are within the band after all (a level of specials)
		}
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		compute = append(compute, took)
		if n := ans.GridsBefore; n >= 7 && n <= 9 {
			typical = append(typical, took)
		}
		home := make([]int, len(r.g.Atoms))
		for a, at := range r.g.Atoms {
			home[a] = at.Home
		}
		if err := before.measure(r, home, r.rb.Grids); err != nil {
			return nil, err
		}
		if err := mine.measure(r, r.rb.Label, r.rb.Parts()); err != nil {
			return nil, err
		}
		n := len(r.rb.Open())
		start = time.Now()
		labels := MatchRegions(r.g, KMeansRegions(r.g, n, 30), n, r.rb.Grids)
		baseline = append(baseline, time.Since(start))
		if err := naive.measure(r, labels, max(n, r.rb.Grids)); err != nil {
			return nil, err
		}
		start = time.Now()
		pans, err := s.Rebalance(ctx, plan, code, RebalanceOptions{Preview: true})
		if err != nil {
			return nil, err
		}
		preview = append(preview, time.Since(start))
		if len(pans.Proposals) > 0 {
			accepted++
		}
	}
	return []bench.Result{
		{Name: "rebalance one community of 7–9 grids (median; max " + ms(typical.max()) + ")", Measured: typical.median(), Target: "< 1 s",
			Note: fmt.Sprintf("%d such communities", len(typical))},
		{Name: "rebalance every community with out-of-band grids", Measured: compute.total(), Target: "< 60 s in all",
			Note: fmt.Sprintf("%d communities; before: %s", len(compute), before)},
		{Name: "the same, each previewed by the editing layer", Measured: preview.total(),
			Note: fmt.Sprintf("%d of %d change sets accepted", accepted, len(compute))},
		{Name: "rebalanced by the local search", Measured: compute.total(), Note: mine.String()},
		{Name: "redrawn by the naive baseline (equal-household k-means, regions matched to grids)", Measured: baseline.total(), Note: naive.String()},
	}, nil
}
