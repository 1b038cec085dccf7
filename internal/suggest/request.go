package suggest

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
)

// Kinds of suggestion.
const (
	KindSplit     = "split"
	KindMerge     = "merge"
	KindRebalance = "rebalance"
)

// Request is one suggestion asked for by the command line or the API.
type Request struct {
	Kind          string // split, merge or rebalance
	Code          string // the grid to split, or the parent whose children to merge or rebalance
	K             int    // split: parts (0: the fewest that fit)
	SplitChildren bool   // split: cut child grids too
	Rule          string // merge: TYPE:MINUTES
	Alternatives  int    // proposals wanted (0: the default of the kind)
	Preview       bool   // dry-run each proposal through the editing layer
}

// Answer is what a suggestion answers: its proposals, best first, and a
// summary for people.
type Answer interface {
	Offers() []Proposal
	WriteText(w io.Writer) error
}

// Offers lists the split's proposals.
func (a *SplitAnswer) Offers() []Proposal {
	return offers(a.Proposals, func(p SplitProposal) Proposal { return p.Proposal })
}

// Offers lists the merge's proposals.
func (a *MergeAnswer) Offers() []Proposal {
	return offers(a.Proposals, func(p MergeProposal) Proposal { return p.Proposal })
}

// Offers lists the rebalancing's proposal (none when refused).
func (a *RebalanceAnswer) Offers() []Proposal { return a.Proposals }

func offers[T any](xs []T, get func(T) Proposal) []Proposal {
	out := make([]Proposal, len(xs))
	for i, x := range xs {
		out[i] = get(x)
	}
	return out
}

// Suggest answers a request on a view of a plan.
func (s *Service) Suggest(ctx context.Context, plan domain.Plan, r Request) (Answer, error) {
	if r.Code == "" {
		return nil, domain.Errorf(domain.ErrInvalid, "name the grid to %s", r.Kind)
	}
	switch r.Kind {
	case KindSplit:
		return s.Split(ctx, plan, r.Code, SplitOptions{K: r.K, SplitChildren: r.SplitChildren, Alternatives: r.Alternatives, Preview: r.Preview})
	case KindMerge:
		return s.Merge(ctx, plan, r.Code, MergeOptions{Rule: r.Rule, Alternatives: r.Alternatives, Preview: r.Preview})
	case KindRebalance:
		return s.Rebalance(ctx, plan, r.Code, RebalanceOptions{Preview: r.Preview})
	}
	return nil, domain.Errorf(domain.ErrInvalid, "unknown suggestion %q: want split, merge or rebalance", r.Kind)
}

// Pick returns proposal number n (from 1) of an answer, or says why there
// is none.
func Pick(a Answer, n int) (Proposal, error) {
	ps := a.Offers()
	if n < 1 || n > len(ps) {
		if len(ps) == 0 {
			return Proposal{}, domain.Errorf(domain.ErrRefused, "there is nothing to propose: %s", noneWhy(a))
		}
		return Proposal{}, domain.Errorf(domain.ErrInvalid, "there are %d proposal(s); pick one from 1 to %d, not %d", len(ps), len(ps), n)
	}
	return ps[n-1], nil
}

// noneWhy explains an answer without proposals.
func noneWhy(a Answer) string {
	var refused []string
	switch a := a.(type) {
	case *SplitAnswer:
		refused = a.Refused
	case *MergeAnswer:
		if len(a.Refused) == 0 {
			return fmt.Sprintf("no union of %s's under-band grids within the band keeps every resident within %d minutes of a %s (%d rejected)",
				a.Parent.Code, a.Rule.Minutes, a.Rule.FacilityType, len(a.Rejected))
		}
		refused = a.Refused
	case *RebalanceAnswer:
		if len(a.Refused) == 0 {
			return "no grid needs to change"
		}
		refused = a.Refused
	}
	return "the editing layer refused every proposal: " + strings.Join(refused, "; ")
}

// Apply puts a proposal's change set into the view through the editing
// layer.
func (s *Service) Apply(ctx context.Context, plan domain.Plan, p Proposal) (*editing.Result, error) {
	cs, err := editing.ParseChangeSet(p.ChangeSet, false)
	if err != nil {
		return nil, err
	}
	return s.edits.Apply(ctx, plan, cs, false)
}

// CreateDraft branches a draft of plan from its published state, for
// suggestions to go into.
func (s *Service) CreateDraft(ctx context.Context, plan domain.Plan, name string) error {
	_, err := s.edits.CreateDraft(ctx, plan, name, 0, "suggestions")
	return err
}
