package coverage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
)

// Finding kinds of the coverage section.
const (
	KindGap           = "gap"                   // parent ground no child covers
	KindOverlap       = "overlap"               // ground two children claim
	KindOutside       = "outside_parent"        // child ground outside its parent
	KindSliverGap     = "sliver_gap"            // a gap within the sliver tolerance
	KindSliverOverlap = "sliver_overlap"        // an overlap within the sliver tolerance
	KindSliverOutside = "sliver_outside_parent" // a spill within the sliver tolerance
	KindInvalid       = "invalid_geometry"      // not OGC-valid, with PostGIS's reason and location
	KindMultipart     = "multipart"             // a grid in several pieces
	KindUnknownParent = "unknown_parent"        // the parent code names no grid of the plan
	KindMissingParent = "missing_parent"        // a grid below level 1 without a parent
	KindLevelMismatch = "level_mismatch"        // level is not the parent's level + 1
	KindUnresolved    = "unresolved"            // PostGIS could not overlay a defect's place
)

// kinds lists every kind, in the order the summary and text use.
var kinds = []string{KindGap, KindOverlap, KindOutside, KindSliverGap, KindSliverOverlap, KindSliverOutside,
	KindInvalid, KindMultipart, KindUnknownParent, KindMissingParent, KindLevelMismatch, KindUnresolved}

// hasWidth says which kinds carry a width: the areal defects.
func hasWidth(kind string) bool {
	switch kind {
	case KindGap, KindOverlap, KindOutside, KindSliverGap, KindSliverOverlap, KindSliverOutside:
		return true
	}
	return false
}

// Special is an overlay special grid and the grids it lies across: the
// tiling grids under the same parent that share ground with it (for a
// first-level business district, the streets it crosses).
type Special struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Level    int      `json:"level"`
	Parent   *string  `json:"parent"`
	Category string   `json:"category"`
	Mode     string   `json:"mode"`
	Crosses  []string `json:"crosses"`
	Reason   string   `json:"reason"`
}

// Section is the coverage part of the audit report (docs/report.md).
type Section struct {
	findings []domain.Finding
	specials []Special
	names    map[string]string // grid code → name, for the text
	levels   map[int]string    // level → name
}

// Findings returns the findings, ordered by level, parent, kind and grids.
func (s *Section) Findings() []domain.Finding { return s.findings }

// Specials returns the overlay special grids and what they cross.
func (s *Section) Specials() []Special { return s.specials }

// Errors counts error-severity findings.
func (s *Section) Errors() int {
	n := 0
	for _, f := range s.findings {
		if f.Severity == domain.SeverityError {
			n++
		}
	}
	return n
}

// KindSummary is one kind's line of the summary.
type KindSummary struct {
	Count  int     `json:"count"`
	AreaM2 float64 `json:"area_m2"`
}

// Summary counts the findings by kind, every kind present (zero when none).
func (s *Section) Summary() map[string]KindSummary {
	m := make(map[string]KindSummary, len(kinds))
	for _, k := range kinds {
		m[k] = KindSummary{}
	}
	for _, f := range s.findings {
		k := m[f.Kind]
		k.Count++
		k.AreaM2 += f.AreaM2
		m[f.Kind] = k
	}
	return m
}

type findingJSON struct {
	Kind     string            `json:"kind"`
	Severity string            `json:"severity"`
	Level    *int              `json:"level"`
	Parent   *string           `json:"parent"`
	Grids    []string          `json:"grids"`
	AreaM2   float64           `json:"area_m2"`
	WidthM   *float64          `json:"width_m"`
	Reason   string            `json:"reason"`
	Geometry *geojson.Geometry `json:"geometry"`
}

// MarshalJSON writes the section's keys (docs/report.md): summary, findings,
// and specials (the overlay special grids and the grids they cross).
func (s *Section) MarshalJSON() ([]byte, error) {
	out := struct {
		Summary  map[string]KindSummary `json:"summary"`
		Findings []findingJSON          `json:"findings"`
		Specials []Special              `json:"specials"`
	}{Summary: s.Summary(), Findings: findingsJSON(s.findings), Specials: s.specials}
	if out.Specials == nil {
		out.Specials = []Special{}
	}
	return json.Marshal(out)
}

// findingsJSON converts findings to the report's form (never null).
func findingsJSON(findings []domain.Finding) []findingJSON {
	out := make([]findingJSON, len(findings))
	for i, f := range findings {
		j := findingJSON{Kind: f.Kind, Severity: f.Severity, Grids: f.Grids, AreaM2: f.AreaM2, Reason: f.Reason}
		if j.Grids == nil {
			j.Grids = []string{}
		}
		if f.Level > 0 {
			j.Level = &f.Level
		}
		if f.Parent != "" {
			j.Parent = &f.Parent
		}
		if hasWidth(f.Kind) {
			j.WidthM = &f.WidthM
		}
		if f.Geometry != nil {
			j.Geometry = geojson.NewGeometry(f.Geometry)
		}
		out[i] = j
	}
	return out
}

// WriteText writes a readable summary: counts by kind, then the findings
// by level and parent, then the overlay special grids.
func (s *Section) WriteText(w io.Writer) error {
	var b strings.Builder
	warnings := len(s.findings) - s.Errors()
	fmt.Fprintf(&b, "Coverage: %d error(s), %d warning(s)\n", s.Errors(), warnings)
	sum := s.Summary()
	for _, k := range kinds {
		if c := sum[k]; c.Count > 0 {
			fmt.Fprintf(&b, "  %-22s %5d  %14.1f m²\n", k, c.Count, c.AreaM2)
		}
	}
	type place struct {
		level  int
		parent string
	}
	var last *place
	for _, f := range s.findings {
		p := place{f.Level, f.Parent}
		if last == nil || *last != p {
			last = &p
			fmt.Fprintf(&b, "\n%s, parent %s:\n", s.levelLabel(f.Level), s.parentLabel(f))
		}
		fmt.Fprintf(&b, "  %-7s %-21s", f.Severity, f.Kind)
		if f.AreaM2 > 0 {
			fmt.Fprintf(&b, " %12.1f m²", f.AreaM2)
		}
		if hasWidth(f.Kind) {
			fmt.Fprintf(&b, " %7.2f m wide", f.WidthM)
		}
		fmt.Fprintf(&b, "  %s\n", f.Reason)
	}
	crossing := 0
	for _, sp := range s.specials {
		if len(sp.Crosses) > 1 {
			if crossing == 0 {
				fmt.Fprintf(&b, "\nOverlay special grids across several grids:\n")
			}
			crossing++
			if crossing > 20 {
				continue // the JSON report lists them all
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", sp.Code, sp.Name, sp.Reason)
		}
	}
	if crossing > 20 {
		fmt.Fprintf(&b, "  … and %d more (see --format json)\n", crossing-20)
	}
	if n := len(s.specials) - crossing; n > 0 {
		fmt.Fprintf(&b, "\n%d other overlay special grid(s) lie within one grid each.\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (s *Section) levelLabel(level int) string {
	if level == 0 {
		return "Plan"
	}
	if n := s.levels[level]; n != "" {
		return fmt.Sprintf("Level %d (%s)", level, n)
	}
	return fmt.Sprintf("Level %d", level)
}

func (s *Section) parentLabel(f domain.Finding) string {
	switch {
	case f.Parent != "":
		return s.gridLabel(f.Parent)
	case f.Level == 1:
		return "the plan boundary"
	}
	return "none"
}

func (s *Section) gridLabel(code string) string {
	if n := s.names[code]; n != "" {
		return code + " " + n
	}
	return code
}

// sortFindings orders findings by level, parent, kind, grids and area.
func sortFindings(fs []domain.Finding) {
	slices.SortStableFunc(fs, func(a, b domain.Finding) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.Parent, b.Parent),
			cmp.Compare(slices.Index(kinds, a.Kind), slices.Index(kinds, b.Kind)),
			slices.Compare(a.Grids, b.Grids), cmp.Compare(b.AreaM2, a.AreaM2))
	})
}
