package balance

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWorstFirst: the packed keys order rows as the plain comparison does.
func TestWorstFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bands := []string{Under, Within, Over}
	devs := []float64{0, -0.0, 3.5, -3.5, 12, -40, 100, math.Inf(1), math.NaN(), 1e-9}
	rows := make([]GridRow, 5000)
	codes := r.Perm(len(rows)) // codes are unique in a view
	for i := range rows {
		kind := "base"
		if r.IntN(4) == 0 {
			kind = "special"
		}
		rows[i] = GridRow{Code: fmt.Sprintf("G%05d", codes[i]), Level: 1 + r.IntN(4), Kind: kind,
			Band: bands[r.IntN(3)], DeviationPct: devs[r.IntN(len(devs))]}
	}
	want := slices.Clone(rows)
	slices.SortStableFunc(want, func(a, b GridRow) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(boolRank(a.Band == Within), boolRank(b.Band == Within)),
			cmp.Compare(math.Abs(b.DeviationPct), math.Abs(a.DeviationPct)), cmp.Compare(a.Code, b.Code))
	})
	got := worstFirst(rows)
	for i := range want {
		w, g := want[i], got[i]
		if w.Level != g.Level || w.Kind != g.Kind || w.Band != g.Band || w.Code != g.Code ||
			math.Float64bits(math.Abs(w.DeviationPct)) != math.Float64bits(math.Abs(g.DeviationPct)) {
			t.Fatalf("row %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestSplitOrder: the packed keys order split candidates as the plain
// comparison does.
func TestSplitOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rows := make([]Split, 5000)
	codes := r.Perm(len(rows))
	for i := range rows {
		rows[i] = Split{Code: fmt.Sprintf("S%05d", codes[i]), Level: 1 + r.IntN(4), Parts: 2 + r.IntN(5), Households: int64(r.IntN(300))}
	}
	want := slices.Clone(rows)
	slices.SortFunc(want, func(a, b Split) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(b.Parts, a.Parts), cmp.Compare(b.Households, a.Households),
			cmp.Compare(a.Code, b.Code))
	})
	got := splitOrder(rows)
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
