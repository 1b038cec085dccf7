package suggest

import (
	"math"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

func TestGap(t *testing.T) {
	for _, c := range []struct {
		persons, households int64
		want                float64
	}{
		{1000, 400, 0},
		{1000, 550, 0.1},    // 50 over a maximum of 500
		{1000, 240, 0.2},    // 60 under a minimum of 300
		{3000, 550, 0.3},    // 500 persons over 2,500 and 50 households over 500
		{0, 0, 1},           // empty: the whole minimum short
		{2500, 500, 0},      // on the bounds is within
		{2501, 500, 0.0004}, // one person over
	} {
		if got := gap(gridBand, c.persons, c.households); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("gap(%d persons, %d households) = %v, want %v", c.persons, c.households, got, c.want)
		}
	}
}

func TestFeasibleParts(t *testing.T) {
	for _, c := range []struct {
		band                domain.Band
		persons, households int64
		lo, hi              int
	}{
		{gridBand, 2000, 955, 2, 3},  // 478 or 318 households a part
		{gridBand, 1100, 520, 2, 1},  // 520 households: one part is over, two are under
		{gridBand, 6000, 1200, 3, 4}, // persons: at least 3 parts of ≤ 2,500
		{domain.Band{MinPersons: 2000, MaxPersons: 15000}, 33000, 12000, 3, 16},
	} {
		if lo, hi := feasibleParts(c.band, c.persons, c.households); lo != c.lo || hi != c.hi {
			t.Errorf("feasibleParts(%+v, %d, %d) = %d..%d, want %d..%d", c.band, c.persons, c.households, lo, hi, c.lo, c.hi)
		}
	}
}
