package balance

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// textTop is how many grids, suggestions and unassigned units the text
// report lists per heading; the JSON report has them all.
const (
	textTop     = 5
	perLevelTop = 3
)

// WriteText writes the human summary: per level, the totals, the band and
// how many grids miss it, then the worst grids and the best suggestions.
func (s *Section) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Balance (规模适度): %d units, %d persons, %d households\n",
		s.Totals.Units, s.Totals.Persons, s.Totals.Households)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  level\tname\tband\tgrids\tpersons\thouseholds\tmedian hh\tideal\tmin\tmax\tmax dev %\tunder\tover\tconserved\t")
	for _, l := range s.Levels {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%d\t%d\t%d\t%.0f\t%.0f\t%d\t%d\t%.1f\t%d\t%d\t%s\t\n", l.Level, l.Name, BandText(l.Band),
			l.Grids, l.Persons, l.Households, l.MedianHouseholds, l.IdealPersons, l.MinPersons, l.MaxPersons,
			l.MaxDeviationPct, l.Under, l.Over, yesNo(l.Conserved))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  (conserved: base grids + carve-out special grids + unassigned = all persons and households of the plan)")
	if len(s.Specials) > 0 {
		fmt.Fprintln(w, "Special grids (reported apart; overlay grids count residents the base grids count too):")
		for _, r := range s.Specials {
			fmt.Fprintf(w, "  level %d %-9s %5d grids %9d persons %8d households %5d out of band\n",
				r.Level, r.Mode, r.Grids, r.Persons, r.Households, r.OutOfBand)
		}
	}

	fmt.Fprintln(w, "Furthest from their ideal, per level (base grids):")
	perLevel := map[int]int{}
	for _, g := range s.Grids {
		if g.Kind != "base" || perLevel[g.Level] >= textTop {
			continue
		}
		perLevel[g.Level]++
		fmt.Fprintf(w, "  level %d  %-22s %7d persons %6d households  %+8.1f%%  %s\n",
			g.Level, g.Code, g.Persons, g.Households, g.DeviationPct, g.Band)
	}

	fmt.Fprintf(w, "Split candidates (over the band): %d\n", len(s.SplitCandidates))
	for _, c := range topPerLevel(s.SplitCandidates, func(c Split) int { return c.Level }) {
		note := ""
		if !c.InBand {
			note = " (parts would fall under the band)"
		}
		fmt.Fprintf(w, "  level %d  %-22s %d persons, %d households -> %d parts of ~%.0f persons, ~%.0f households%s\n",
			c.Level, c.Code, c.Persons, c.Households, c.Parts, c.PersonsPerPart, c.HouseholdsPerPart, note)
	}
	fmt.Fprintf(w, "Merge candidates (adjacent siblings, one or both under the band, within it together): %d\n", len(s.MergeCandidates))
	for _, c := range topPerLevel(s.MergeCandidates, func(c Merge) int { return c.Level }) {
		fmt.Fprintf(w, "  level %d  %s + %s: %d persons, %d households, fit %.2f, shared boundary %.0f m\n",
			c.Level, c.Grids[0], c.Grids[1], c.Persons, c.Households, c.Fit, c.SharedBoundaryM)
	}

	if s.Unassigned.Units == 0 {
		fmt.Fprintln(w, "Unassigned population: none")
		return nil
	}
	fmt.Fprintf(w, "Unassigned population (errors): %d units, %d persons, %d households in no grid of some level\n",
		s.Unassigned.Units, s.Unassigned.Persons, s.Unassigned.Households)
	for _, u := range top(s.Unassigned.Items) {
		where := ""
		if u.Location != nil && u.Location.Coordinates != nil {
			where = fmt.Sprintf(" at %v", u.Location.Coordinates)
		}
		levels := strings.Trim(fmt.Sprint(u.Levels), "[]")
		fmt.Fprintf(w, "  unit %d %s: %d persons, %d households, levels %s%s\n", u.Unit, u.Name, u.Persons, u.Households, levels, where)
	}
	return nil
}

func top[T any](xs []T) []T { return xs[:min(len(xs), textTop)] }

// topPerLevel keeps the first few of each level from a list sorted by level.
func topPerLevel[T any](xs []T, level func(T) int) []T {
	var out []T
	n := map[int]int{}
	for _, x := range xs {
		if l := level(x); n[l] < perLevelTop {
			n[l]++
			out = append(out, x)
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}
