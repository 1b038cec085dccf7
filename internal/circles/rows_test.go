package circles_test

import (
	"encoding/json"
	"testing"

	"github.com/gridplan/gridplan/internal/circles"
)

// TestGridSummariesJSON: the appended table is what encoding/json writes.
func TestGridSummariesJSON(t *testing.T) {
	rows := []circles.GridSummary{
		{Code: "410103001", Level: 1, FacilityType: "clinic", Minutes: 5, CoveragePct: 87.25, Persons: 52011, PersonsUncovered: 6632,
			HouseholdsCoveragePct: 86.9, BelowTarget: false},
		{Code: "x\"y", Level: 3, FacilityType: "day/care", Minutes: 10, BelowTarget: true},
	}
	want, _ := json.Marshal(rows)
	got, _ := json.Marshal(circles.GridSummaries(rows))
	if string(got) != string(want) {
		t.Errorf("appended:\n%s\nencoding/json:\n%s", got, want)
	}
}

// TestSectionJSON: the section writes the keys and values encoding/json
// writes for its fields.
func TestSectionJSON(t *testing.T) {
	s := &circles.Section{Rules: []circles.RuleSummary{{FacilityType: "clinic", Minutes: 5, Suggestions: []circles.Suggestion{}}},
		Grids: circles.GridSummaries{{Code: "A", Level: 1, FacilityType: "clinic", Minutes: 5}}}
	type plain circles.Section
	want, _ := json.Marshal((*plain)(s))
	got, err := s.MarshalJSON()
	if err != nil || string(got) != string(want) {
		t.Errorf("section:\n%s\nencoding/json:\n%s (%v)", got, want, err)
	}
}
