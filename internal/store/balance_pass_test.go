package store

import (
	"fmt"
	"testing"
)

// Rows that come in another order than Go's (another collation) are
// matched all the same, grid by grid.
func TestStoredBalancePassMatchesUnsortedRows(t *testing.T) {
	b := storedBalance{
		grids: []BalanceGrid{{Code: "b", Level: 2}, {Code: "B", Level: 1}, {Code: "a", Level: 2}, {Code: "A", Level: 1}, {Code: "c", Level: 2}},
		shapes: []BalanceShape{{Code: "c", AreaM2: 5}, {Code: "a", AreaM2: 3}, {Code: "B", AreaM2: 2}, {Code: "A", AreaM2: 1},
			{Code: "gone", AreaM2: 9}},
		counts: []codedCount{{"b", BalanceCount{Persons: 4}}, {"A", BalanceCount{Persons: 1}}, {"c", BalanceCount{Persons: 5}},
			{"a", BalanceCount{Persons: 3}}, {"B", BalanceCount{Persons: 2}}},
	}
	var got string
	err := b.pass(BalanceStoredSource{
		Grid: func(g BalanceGrid, sh BalanceShape, c BalanceCount, complete bool) error {
			got += fmt.Sprintf("%d%s:%g/%d/%v ", g.Level, g.Code, sh.AreaM2, c.Persons, complete)
			return nil
		},
		Totals:     func(BalanceTotals) error { return nil },
		Unassigned: func(BalancePlace, BalanceUnit) error { return nil },
		Shared:     func(BalanceShared) error { return nil },
	})
	if want := "1A:1/1/true 1B:2/2/true 2a:3/3/true 2b:0/4/false 2c:5/5/true "; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}
