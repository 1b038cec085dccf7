package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/internal/suggest"
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

// partSize is what one part of a partition holds.
type partSize struct {
	persons, households int64
	atoms               int
}

// measure adds a partition of w's atoms into n parts to q.
func (q *quality) measure(w suggest.Worked, labels []int, n int) error {
	g := w.Graph
	sums := make([]partSize, n)
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
		if balance.Classify(w.Band, float64(s.persons), float64(s.households)) == "within" {
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

func suggestRebalance(ctx context.Context, db *store.DB, s *suggest.Service, plan domain.Plan) ([]Result, error) {
	communities, err := outOfBand(ctx, db, plan, 3, "", true)
	if err != nil {
		return nil, err
	}
	var compute, preview, baseline, typical timed
	var mine, naive, before quality
	accepted := 0
	for _, code := range communities {
		start := time.Now()
		ans, r, err := s.RebalanceWorked(ctx, plan, code, suggest.RebalanceOptions{})
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
		home := make([]int, len(r.Graph.Atoms))
		for a, at := range r.Graph.Atoms {
			home[a] = at.Home
		}
		if err := before.measure(r, home, r.Rebalancing.Grids); err != nil {
			return nil, err
		}
		if err := mine.measure(r, r.Rebalancing.Label, r.Rebalancing.Parts()); err != nil {
			return nil, err
		}
		n := len(r.Rebalancing.Open())
		start = time.Now()
		labels := suggest.MatchRegions(r.Graph, suggest.KMeansRegions(r.Graph, n, 30), n, r.Rebalancing.Grids)
		baseline = append(baseline, time.Since(start))
		if err := naive.measure(r, labels, max(n, r.Rebalancing.Grids)); err != nil {
			return nil, err
		}
		start = time.Now()
		pans, err := s.Rebalance(ctx, plan, code, suggest.RebalanceOptions{Preview: true})
		if err != nil {
			return nil, err
		}
		preview = append(preview, time.Since(start))
		if len(pans.Proposals) > 0 {
			accepted++
		}
	}
	return []Result{
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
