package balance_test

import (
	"encoding/json"
	"testing"

	"github.com/gridplan/gridplan/internal/balance"
)

// TestGridRowsJSON: the appended table is what encoding/json writes.
func TestGridRowsJSON(t *testing.T) {
	parent := "410103001"
	rows := []balance.GridRow{
		{Code: "410103001001", Name: "一社区", Level: 2, Parent: &parent, Kind: "base", Persons: 3012, Households: 1201, Units: 40,
			IdealPersons: 2999.5, DeviationPct: 0.42, Band: "within", AreaM2: 123456.7, Compactness: 0.731, Contiguous: true, Parts: 1},
		{Code: "S<1>&", Level: 1, Kind: "special", Mode: "overlay", Category: "park", Band: "under", DeviationPct: -100, Parts: 2},
	}
	want, _ := json.Marshal(rows)
	got, _ := json.Marshal(balance.GridRows(rows))
	if string(got) != string(want) {
		t.Errorf("appended:\n%s\nencoding/json:\n%s", got, want)
	}
}

// TestSplitsJSON: the appended table is what encoding/json writes.
func TestSplitsJSON(t *testing.T) {
	parent := "P"
	rows := []balance.Split{{Code: "G1", Level: 4, Parent: &parent, Persons: 300, Households: 120, Parts: 3, PersonsPerPart: 100,
		HouseholdsPerPart: 40, InBand: true}, {Code: "G2", Level: 1, Parts: 2, PersonsPerPart: 0.5}}
	want, _ := json.Marshal(rows)
	got, _ := json.Marshal(balance.Splits(rows))
	if string(got) != string(want) {
		t.Errorf("appended:\n%s\nencoding/json:\n%s", got, want)
	}
}

// TestSectionJSON: the section writes the keys and values encoding/json
// writes for its fields.
func TestSectionJSON(t *testing.T) {
	parent := "P"
	s := &balance.Section{
		Levels:          []balance.LevelRow{{Level: 1, Name: "街道", Grids: 2, Conserved: true}},
		Specials:        []balance.SpecialRow{},
		Grids:           balance.GridRows{{Code: "A", Level: 1, Kind: "base", Band: "within", Parts: 1}},
		MergeCandidates: []balance.Merge{{Level: 2, Parent: &parent, Grids: [2]string{"A1", "A2"}}},
		SplitCandidates: balance.Splits{{Code: "B", Level: 1, Parts: 2}},
		Unassigned:      balance.Unassigned{Units: 1, Persons: 3, Items: []balance.UnassignedRow{}},
		Totals:          balance.Totals{Units: 4, Persons: 10},
	}
	type plain balance.Section
	want, _ := json.Marshal((*plain)(s))
	got, err := s.MarshalJSON()
	if err != nil || string(got) != string(want) {
		t.Errorf("section:\n%s\nencoding/json:\n%s (%v)", got, want, err)
	}
}
