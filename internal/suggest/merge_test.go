package suggest

import (
	"testing"

	"github.com/paulmach/orb"
)

func square(x, y, s float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}}
}

func TestMergeGroups(t *testing.T) {
	// A row of four squares: 200 | 150 | 420 | 100 households.
	sibs := []Sibling{
		{Code: "A", Households: 200, Persons: 400, Geometry: square(0, 0, 10)},
		{Code: "B", Households: 150, Persons: 300, Geometry: square(10, 0, 10)},
		{Code: "C", Households: 420, Persons: 900, Geometry: square(20, 0, 10)},
		{Code: "D", Households: 100, Persons: 200, Geometry: square(30, 0, 10)},
	}
	var got []string
	for _, g := range MergeGroups(sibs, gridBand, 0.5) {
		s := ""
		for _, i := range g.Members {
			s += sibs[i].Code
		}
		got = append(got, s)
		if g.SharedM != 10*float64(len(g.Members)-1) {
			t.Errorf("%s shares %v m", s, g.SharedM)
		}
	}
	// AB = 350 within; BC = 570 over; CD = 520 over; A and D never touch.
	// D has no pair, but no triple with it is within the band either.
	if want := []string{"AB"}; len(got) != len(want) || got[0] != want[0] {
		t.Errorf("groups %v, want %v", got, want)
	}
	// With C at 100, no pair of C or D is within the band (BC 250, CD
	// 200): they get triples, ABC 450 and BCD 350.
	sibs[2].Households = 100
	if n := len(MergeGroups(sibs, gridBand, 0.5)); n != 3 {
		t.Errorf("%d groups, want AB, ABC and BCD", n)
	}
}
