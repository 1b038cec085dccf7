package circles

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/jsonw"
	"github.com/gridplan/gridplan/internal/parallel"
)

// Section is the report's "circles" key (docs/report.md). Falling short of a
// rule's target is a warning, not an error: coverage is a provision goal
// that plans approach over years (85% nationally by 2025), not a defect in
// the grid data that must be fixed before a plan is published, so it does
// not make `gridplan audit` exit 1.
type Section struct {
	Rules []RuleSummary `json:"rules"`
	Grids GridSummaries `json:"grids"`
}

// RuleSummary is one rule's plan-wide figures.
type RuleSummary struct {
	FacilityType          string       `json:"facility_type"`
	AlsoTypes             []string     `json:"also_types,omitempty"`
	Minutes               int          `json:"minutes"`
	SpeedMPerMin          float64      `json:"speed_m_per_min"`
	DistanceM             float64      `json:"distance_m"`
	Method                string       `json:"method"`
	Facilities            int          `json:"facilities"`
	PersonsCovered        int64        `json:"persons_covered"`
	PersonsTotal          int64        `json:"persons_total"`
	CoveragePct           float64      `json:"coverage_pct"`
	PersonsUncovered      int64        `json:"persons_uncovered"`
	HouseholdsCovered     int64        `json:"households_covered"`
	HouseholdsTotal       int64        `json:"households_total"`
	HouseholdsCoveragePct float64      `json:"households_coverage_pct"`
	TargetPct             float64      `json:"target_pct"`
	Severity              string       `json:"severity,omitempty"` // warning when below target
	Reason                string       `json:"reason,omitempty"`
	BlindSpots            BlindSpots   `json:"blind_spots"`
	Suggestions           []Suggestion `json:"suggestions"`
}

// BlindSpots counts the units the rule leaves uncovered and says where the
// layer of them is.
type BlindSpots struct {
	Units   int    `json:"units"`
	Persons int64  `json:"persons"`
	Href    string `json:"href"`
}

// GridSummary is one rule's figures for one grid with residents.
type GridSummary struct {
	Code                  string  `json:"code"`
	Level                 int     `json:"level"`
	FacilityType          string  `json:"facility_type"`
	Minutes               int     `json:"minutes"`
	CoveragePct           float64 `json:"coverage_pct"`
	Persons               int64   `json:"persons"`
	PersonsUncovered      int64   `json:"persons_uncovered"`
	HouseholdsCoveragePct float64 `json:"households_coverage_pct"`
	BelowTarget           bool    `json:"below_target"`
}

// GridSummaries is the report's table of grids, a row per rule and grid.
type GridSummaries []GridSummary

// MarshalJSON writes the table by appending (jsonw): at scale 10 it has
// some hundred and seventy thousand rows.
func (rows GridSummaries) MarshalJSON() ([]byte, error) {
	return rows.AppendJSON(make([]byte, 0, 200*len(rows)+2)), nil
}

// AppendJSON appends the table to b.
func (rows GridSummaries) AppendJSON(b []byte) []byte {
	return jsonw.Array(b, rows, func(o *jsonw.Object, r *GridSummary) {
		o.String("code", r.Code, false)
		o.Int("level", int64(r.Level))
		o.String("facility_type", r.FacilityType, false)
		o.Int("minutes", int64(r.Minutes))
		o.Float("coverage_pct", r.CoveragePct)
		o.Int("persons", r.Persons)
		o.Int("persons_uncovered", r.PersonsUncovered)
		o.Float("households_coverage_pct", r.HouseholdsCoveragePct)
		o.Bool("below_target", r.BelowTarget)
	})
}

// MarshalJSON writes the section, its grid table appended (see jsonw).
func (s *Section) MarshalJSON() ([]byte, error) {
	o := jsonw.Begin(make([]byte, 0, 200*len(s.Grids)+64<<10))
	if err := o.Value("rules", s.Rules); err != nil {
		return nil, err
	}
	o.Append("grids", s.Grids.AppendJSON)
	return o.End(), nil
}

// Errors is always 0: see Section.
func (s *Section) Errors() int { return 0 }

func (c *Checker) section(plan domain.Plan, results []*Result) *Section {
	s := &Section{Rules: make([]RuleSummary, len(results)), Grids: []GridSummary{}}
	// Suggestions take searches: the rules' summaries run side by side.
	parallel.For(len(results), func(i int) { s.Rules[i] = c.ruleSummary(plan, results[i]) })
	for _, r := range results {
		s.Grids = append(s.Grids, r.gridSummaries(c.opts.GridMaxLevel)...)
	}
	return s
}

func (c *Checker) ruleSummary(plan domain.Plan, r *Result) RuleSummary {
	rule := r.Rule
	sum := RuleSummary{FacilityType: rule.FacilityType, AlsoTypes: rule.AlsoTypes, Minutes: rule.Minutes,
		SpeedMPerMin: rule.SpeedMPerMin, DistanceM: rule.DistanceM(), Method: r.Method, Facilities: len(r.Facilities),
		PersonsCovered: r.PersonsCovered, PersonsTotal: r.PersonsTotal(), CoveragePct: pct(r.PersonsCovered, r.PersonsTotal()),
		PersonsUncovered: r.PersonsTotal() - r.PersonsCovered, HouseholdsCovered: r.HouseholdsCovered,
		HouseholdsTotal: r.HouseholdsTotal(), HouseholdsCoveragePct: pct(r.HouseholdsCovered, r.HouseholdsTotal()),
		TargetPct: rule.TargetPct, Suggestions: []Suggestion{}}
	for i, u := range r.model.units {
		if !r.Covered[i] && u.Persons > 0 {
			sum.BlindSpots.Units++
			sum.BlindSpots.Persons += int64(u.Persons)
		}
	}
	q := url.Values{"minutes": {strconv.Itoa(rule.Minutes)}}
	sum.BlindSpots.Href = "/api/plans/" + url.PathEscape(plan.Name) + "/circles/" + url.PathEscape(rule.FacilityType) + "/blindspots?" + q.Encode()
	switch {
	case sum.PersonsTotal == 0:
		sum.Reason = "the plan has no residents (no units)"
	case len(r.Facilities) == 0:
		sum.Severity = domain.SeverityWarning
		sum.Reason = fmt.Sprintf("the plan has no facility of type %s", typesText(rule))
	case sum.CoveragePct < rule.TargetPct:
		sum.Severity = domain.SeverityWarning
		sum.Reason = fmt.Sprintf("%.1f%% of residents are within %d minutes (%.0f m) of %s; the target is %g%%",
			sum.CoveragePct, rule.Minutes, rule.DistanceM(), typesText(rule), rule.TargetPct)
	}
	if c.opts.Suggestions > 0 && sum.PersonsUncovered > 0 {
		sum.Suggestions = r.Suggest(c.opts.Suggestions, nil)
	}
	return sum
}

func typesText(r domain.CircleRule) string {
	s := r.FacilityType
	for _, t := range r.AlsoTypes {
		s += " or " + t
	}
	return s
}

// gridSummaries lists the rule's figures for the grids with residents up
// to level maxLevel (every level when maxLevel is 0).
func (r *Result) gridSummaries(maxLevel int) []GridSummary {
	var out []GridSummary
	for _, g := range r.members.grids {
		if maxLevel > 0 && g.level > maxLevel {
			continue
		}
		gs := r.grid(g)
		if gs.Persons > 0 {
			out = append(out, gs)
		}
	}
	return out
}

func (r *Result) grid(g gridMembers) GridSummary {
	var persons, covered, households, hhCovered int64
	for _, u := range g.units {
		p, h := int64(r.model.units[u].Persons), int64(r.model.units[u].Households)
		persons += p
		households += h
		if r.Covered[u] {
			covered += p
			hhCovered += h
		}
	}
	gs := GridSummary{Code: g.code, Level: g.level, FacilityType: r.Rule.FacilityType, Minutes: r.Rule.Minutes,
		CoveragePct: pct(covered, persons), Persons: persons, PersonsUncovered: persons - covered,
		HouseholdsCoveragePct: pct(hhCovered, households)}
	gs.BelowTarget = persons > 0 && gs.CoveragePct < r.Rule.TargetPct
	return gs
}

// WriteText writes the rules, their suggestions and each rule's least
// covered grids.
func (s *Section) WriteText(w io.Writer) error {
	fmt.Fprintln(w, "Service circles")
	if len(s.Rules) == 0 {
		fmt.Fprintln(w, "  no rules: add one with `gridplan rule add`")
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  facility type\tmin\tm\tmethod\tfacilities\tcovered\tof persons\tcoverage\ttarget\t")
	for _, r := range s.Rules {
		flag := ""
		if r.Severity != "" {
			flag = "below target"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%.0f\t%s\t%d\t%d\t%d\t%.2f%%\t%g%%\t%s\n", r.FacilityType, r.Minutes, r.DistanceM, r.Method,
			r.Facilities, r.PersonsCovered, r.PersonsTotal, r.CoveragePct, r.TargetPct, flag)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range s.Rules {
		switch {
		case r.Severity != "":
			fmt.Fprintf(w, "  %s: %s %d min: %s\n", r.Severity, r.FacilityType, r.Minutes, r.Reason)
		case r.Reason != "":
			fmt.Fprintf(w, "  note: %s %d min: %s\n", r.FacilityType, r.Minutes, r.Reason)
		}
		for _, sg := range r.Suggestions {
			fmt.Fprintf(w, "    site %d for %s: (%.6f, %.6f) +%d persons → %.2f%%\n", sg.Rank, r.FacilityType, sg.Lon, sg.Lat,
				sg.GainPersons, sg.CoveragePctAfter)
		}
		var worst []GridSummary
		for _, g := range s.Grids {
			if g.FacilityType == r.FacilityType && g.Minutes == r.Minutes && g.BelowTarget {
				worst = append(worst, g)
			}
		}
		slices.SortStableFunc(worst, func(a, b GridSummary) int { return int(b.PersonsUncovered - a.PersonsUncovered) })
		for _, g := range worst[:min(3, len(worst))] {
			fmt.Fprintf(w, "    grid %s (level %d): %.1f%% covered, %d persons uncovered\n", g.Code, g.Level, g.CoveragePct, g.PersonsUncovered)
		}
	}
	return nil
}
