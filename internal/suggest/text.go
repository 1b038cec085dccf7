package suggest

import (
	"fmt"
	"io"
	"strings"
)

// The summaries the command line writes on stderr beside the change set.

// WriteText summarises a split answer.
func (a *SplitAnswer) WriteText(w io.Writer) error {
	g := a.Grid
	fmt.Fprintf(w, "split %s %s: %d households, %d persons, over its band (%s); %d parts along %s\n",
		g.Code, g.Name, g.Households, g.Persons, g.BandText, a.K, a.Atoms)
	for _, p := range a.Proposals {
		fmt.Fprintf(w, "  %d. %s\n", p.Rank, p.Why)
	}
	writeRefused(w, a.Refused)
	return nil
}

// WriteText summarises a merge answer.
func (a *MergeAnswer) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "merge among the grids of %s %s (band %s; under it: %s); rule: %s within %d minutes at %g m/min (%.0f m, %s)\n",
		a.Parent.Code, a.Parent.Name, a.BandText, strings.Join(a.Under, ", "), a.Rule.FacilityType, a.Rule.Minutes,
		a.Rule.SpeedMPerMin, a.Rule.DistanceM, a.Rule.Method)
	for _, p := range a.Proposals {
		fmt.Fprintf(w, "  %d. %s\n", p.Rank, p.Why)
	}
	if len(a.Proposals) == 0 {
		fmt.Fprintln(w, "  no merge within the band keeps the walking rule")
	}
	for _, r := range a.Rejected[:min(3, len(a.Rejected))] {
		fmt.Fprintf(w, "  rejected %s: %s\n", strings.Join(r.Grids, " + "), r.Why)
	}
	writeRefused(w, a.Refused)
	return nil
}

// WriteText summarises a rebalance answer.
func (a *RebalanceAnswer) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "rebalance the grids of %s %s (band %s): %d of %d within the band before, %d of %d after; %d households (%d persons) and %.0f m² change grid\n",
		a.Parent.Code, a.Parent.Name, a.BandText, a.WithinBefore, a.GridsBefore, a.WithinAfter, a.GridsAfter,
		a.HouseholdsMoved, a.PersonsMoved, a.ChangedAreaM2)
	for _, g := range a.Grids {
		if g.HouseholdsIn == 0 && g.HouseholdsOut == 0 && g.Fate == "kept" {
			continue
		}
		code := g.Code
		if code == "" {
			code = "(new)"
		}
		fmt.Fprintf(w, "  %s %s: %d → %d households (%s → %s), in %d, out %d; %s\n", code, g.Name, g.Before.Households,
			g.After.Households, orDash(g.Before.Band), orDash(g.After.Band), g.HouseholdsIn, g.HouseholdsOut, g.Fate)
	}
	writeRefused(w, a.Refused)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func writeRefused(w io.Writer, refused []string) {
	for _, r := range refused {
		fmt.Fprintf(w, "  not proposed (the editing layer refused it): %s\n", r)
	}
}
