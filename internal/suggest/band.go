package suggest

import (
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
)

// gap measures how far a size lies outside a band, as the sum of its
// relative shortfalls and excesses on each bound: 0 within the band, 0.1
// for 550 households against a maximum of 500. It is what the searches
// drive to zero; the band itself is judged by balance.Classify.
func gap(b domain.Band, persons, households int64) float64 {
	g := 0.0
	over := func(x int64, hi int) {
		if hi > 0 && x > int64(hi) {
			g += float64(x-int64(hi)) / float64(hi)
		}
	}
	under := func(x int64, lo int) {
		if lo > 0 && x < int64(lo) {
			g += float64(int64(lo)-x) / float64(lo)
		}
	}
	over(persons, b.MaxPersons)
	over(households, b.MaxHouseholds)
	under(persons, b.MinPersons)
	under(households, b.MinHouseholds)
	return g
}

// bandOf is the band word of a size, as the audit has it.
func bandOf(b domain.Band, persons, households int64) string {
	return balance.Classify(b, float64(persons), float64(households))
}

// feasibleParts is the range of part counts whose mean size lies within
// the band: lo..hi, empty (lo > hi) when no count does.
func feasibleParts(b domain.Band, persons, households int64) (lo, hi int) {
	lo, hi = 1, 1<<30
	bound := func(x int64, least, most int) {
		if most > 0 {
			lo = max(lo, int((x+int64(most)-1)/int64(most)))
		}
		if least > 0 {
			hi = min(hi, int(x/int64(least)))
		}
	}
	bound(persons, b.MinPersons, b.MaxPersons)
	bound(households, b.MinHouseholds, b.MaxHouseholds)
	return lo, hi
}
