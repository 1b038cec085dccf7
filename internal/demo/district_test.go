package demo

import (
	"fmt"
	"math"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestDistrict generates the district at scale 0.1 and 1 and checks what
// the demo promises: counts, exact population, exact tiling with identical
// shared edges, containment, codes and names, the business district, units,
// facilities and the network.
func TestDistrict(t *testing.T) {
	for _, scale := range []float64{0.1, 1} {
		t.Run(fmt.Sprintf("scale=%v", scale), func(t *testing.T) {
			b, err := newBuild(testInput(t), Options{Seed: 7, Scale: scale})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.run(); err != nil {
				t.Fatal(err)
			}
			t.Run("counts", func(t *testing.T) { checkCounts(t, b, scale) })
			t.Run("population", func(t *testing.T) { checkPopulation(t, b, scale) })
			if scale == 1 {
				t.Run("balance", func(t *testing.T) { checkBalance(t, b) })
			}
			t.Run("tiling", func(t *testing.T) { checkTiling(t, b) })
			t.Run("containment", func(t *testing.T) { checkContainment(t, b) })
			t.Run("codes", func(t *testing.T) { checkCodes(t, b) })
			t.Run("business district", func(t *testing.T) { checkBusinessDistrict(t, b) })
			t.Run("units", func(t *testing.T) { checkUnits(t, b) })
			t.Run("facilities", func(t *testing.T) { checkFacilities(t, b) })
			t.Run("network", func(t *testing.T) { checkNetwork(t, b, scale) })
		})
	}
}

// within reports whether got is within ±5% of want.
func within(got, want int) bool { return math.Abs(float64(got-want)) <= 0.05*float64(want) }

func checkCounts(t *testing.T, b *build, s float64) {
	type key struct {
		level int
		kind  domain.Kind
		mode  domain.Mode
	}
	n := map[key]int{}
	cat := map[string]int{}
	for _, g := range b.out.Grids {
		n[key{g.Level, g.Kind, g.Mode}]++
		if g.Level == 3 && g.Kind == domain.KindSpecial {
			cat[g.Category]++
		}
	}
	streets := max(3, round(17*s))
	exact := []struct {
		k    key
		want int
	}{
		{key{1, domain.KindBase, ""}, streets},
		{key{2, domain.KindBase, ""}, max(streets, round(175*s))},
		{key{1, domain.KindSpecial, domain.ModeOverlay}, 1},
		{key{1, domain.KindSpecial, domain.ModeCarveOut}, 1},
		{key{2, domain.KindSpecial, domain.ModeOverlay}, max(2, round(6*s))},
		{key{2, domain.KindSpecial, domain.ModeCarveOut}, max(2, round(3*s))},
	}
	for _, e := range exact {
		if n[e.k] != e.want {
			t.Errorf("%v: %d grids, want %d", e.k, n[e.k], e.want)
		}
	}
	if got, want := n[key{3, domain.KindBase, ""}], round(1441*s); !within(got, want) {
		t.Errorf("level 3 base: %d grids, want %d ±5%%", got, want)
	}
	if got, want := n[key{4, domain.KindBase, ""}], round(6281*s); !within(got, want) {
		t.Errorf("level 4 base: %d grids, want %d ±5%%", got, want)
	}
	special3 := n[key{3, domain.KindSpecial, domain.ModeOverlay}] + n[key{3, domain.KindSpecial, domain.ModeCarveOut}]
	if want := round(549 * s); !within(special3, want) {
		t.Errorf("level 3 special: %d grids, want %d ±5%%", special3, want)
	}
	if s == 1 {
		for _, c := range []struct {
			cat  string
			want int
		}{{"business_district", 49}, {"industrial_park", 12}} {
			if cat[c.cat] != c.want {
				t.Errorf("level 3 %s grids: %d, want %d", c.cat, cat[c.cat], c.want)
			}
		}
		if n[key{4, domain.KindSpecial, domain.ModeOverlay}] != 148 {
			t.Errorf("business district micro-grids: %d, want 148", n[key{4, domain.KindSpecial, domain.ModeOverlay}])
		}
		carve := float64(n[key{3, domain.KindSpecial, domain.ModeCarveOut}]-12) / float64(special3-61)
		if carve < 0.2 || carve > 0.4 {
			t.Errorf("%.0f%% of community special grids carve out, want about 30%%", 100*carve)
		}
	}
	for _, c := range []string{"school", "hospital", "market", "park", "government_compound"} {
		if cat[c] == 0 {
			t.Errorf("no %s special grids", c)
		}
	}
}

func checkPopulation(t *testing.T, b *build, s float64) {
	persons, households := 0, 0
	for _, u := range b.out.Units {
		if u.Persons < 1 || u.Households < 1 || u.Households > u.Persons {
			t.Fatalf("unit %d: %d persons in %d households", u.ID, u.Persons, u.Households)
		}
		persons += u.Persons
		households += u.Households
	}
	if want := round(1061263 * s); persons != want {
		t.Errorf("%d persons, want exactly %d", persons, want)
	}
	if pph := float64(persons) / float64(households); pph < 2.0 || pph > 3.2 {
		t.Errorf("%.2f persons per household", pph)
	}
	if n := float64(len(b.out.Units)) / s; n < 20000 || n > 40000 {
		t.Errorf("%d units at scale %v", len(b.out.Units), s)
	}
}

// checkBalance checks sizes are balanced but not equal: urban third-level
// grids mostly hold 300–500 households, and about a tenth of grids at
// levels 3 and 4 deviate from their siblings' mean by more than half.
func checkBalance(t *testing.T, b *build) {
	hh := make([]int, b.at.n)
	for _, u := range b.units {
		hh[u.atom] += u.households
	}
	inBand, urbanGrids := 0, 0
	for level := 3; level <= 4; level++ {
		persons := map[int][]float64{}
		for _, g := range b.grids {
			if g.level != level || g.kind != domain.KindBase {
				continue
			}
			p, _ := b.tally(g.atoms)
			persons[g.parent] = append(persons[g.parent], float64(p))
			if level == 3 && b.urbanOf(g.atoms) > 0.6 {
				h := 0
				for _, f := range g.atoms {
					h += hh[f]
				}
				urbanGrids++
				if h >= 300 && h <= 500 {
					inBand++
				}
			}
		}
		out, all := 0, 0
		for _, ps := range persons {
			mean := 0.0
			for _, p := range ps {
				mean += p / float64(len(ps))
			}
			for _, p := range ps {
				all++
				if math.Abs(p-mean) > 0.5*mean {
					out++
				}
			}
		}
		if share := float64(out) / float64(all); share < 0.05 || share > 0.2 {
			t.Errorf("level %d: %.0f%% of grids deviate by more than half from their siblings' mean", level, 100*share)
		}
	}
	if share := float64(inBand) / float64(urbanGrids); share < 0.6 {
		t.Errorf("only %.0f%% of urban grids hold 300–500 households", 100*share)
	}
}

// checkTiling checks every level: the base and carve-out grids cover the
// outline's area exactly and every edge is either shared, identically and
// in reverse, by exactly two grids or lies on the outline; the business
// district's sub-grids do the same inside it. Each grid is one valid polygon.
func checkTiling(t *testing.T, b *build) {
	area := planar.Area(b.outline)
	byGroup := make([][]domain.Grid, groups)
	index := map[string]int{}
	for i, g := range b.grids {
		index[g.code] = i
	}
	var bd orb.Polygon
	for _, g := range b.out.Grids {
		checkPolygon(t, g)
		i := index[g.Code]
		byGroup[b.group(i)] = append(byGroup[b.group(i)], g)
		if g.Category == "business_district" && g.Level == 1 {
			bd = g.Geometry[0]
		}
	}
	for gr, gs := range byGroup {
		switch {
		case gr < 4:
			tiles(t, fmt.Sprintf("level %d", gr+1), gs, b.outline, area)
		case gr < 8:
			tiles(t, fmt.Sprintf("business district level %d", gr-3), gs, bd, planar.Area(bd))
		}
	}
}

func checkPolygon(t *testing.T, g domain.Grid) {
	if len(g.Geometry) != 1 {
		t.Errorf("grid %s has %d parts", g.Code, len(g.Geometry))
		return
	}
	if a := planar.Area(g.Geometry); !(a > 0) {
		t.Errorf("grid %s has area %v", g.Code, a)
	}
	for i, r := range g.Geometry[0] {
		if len(r) < 4 || r[0] != r[len(r)-1] {
			t.Errorf("grid %s ring %d is not closed", g.Code, i)
			continue
		}
		if o := r.Orientation(); (i == 0) != (o == orb.CCW) {
			t.Errorf("grid %s ring %d has the wrong orientation", g.Code, i)
		}
		seen := make(map[orb.Point]bool, len(r))
		for _, p := range r[:len(r)-1] {
			if seen[p] {
				t.Errorf("grid %s ring %d passes %v twice", g.Code, i, p)
			}
			seen[p] = true
		}
	}
}

func tiles(t *testing.T, what string, gs []domain.Grid, boundary orb.Polygon, want float64) {
	type seg struct{ a, b orb.Point }
	owner := map[seg]int{}
	sum := 0.0
	for i, g := range gs {
		sum += planar.Area(g.Geometry)
		for _, r := range g.Geometry[0] {
			for k := 0; k+1 < len(r); k++ {
				s := seg{r[k], r[k+1]}
				if j, dup := owner[s]; dup {
					t.Errorf("%s: %s and %s both use edge %v in the same direction", what, gs[j].Code, g.Code, s)
				}
				owner[s] = i
			}
		}
	}
	if math.Abs(sum-want) > 1e-6*want {
		t.Errorf("%s: grids cover %.3f m², the parent %.3f m²", what, sum, want)
	}
	bad := 0
	for s, i := range owner {
		if j, ok := owner[seg{s.b, s.a}]; ok {
			if j == i {
				t.Errorf("%s: grid %s uses edge %v both ways", what, gs[i].Code, s)
			}
			continue
		}
		if !onRings(boundary, s.a) || !onRings(boundary, s.b) || !onRings(boundary, orb.Point{(s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2}) {
			if bad++; bad < 5 {
				t.Errorf("%s: edge %v of %s has no twin and is not on the boundary", what, s, gs[i].Code)
			}
		}
	}
}

// onRings reports whether p lies on a ring of poly (to 1 µm).
func onRings(poly orb.Polygon, p orb.Point) bool {
	for _, r := range poly {
		for k := 0; k+1 < len(r); k++ {
			a, c := r[k], r[k+1]
			if p[0] < math.Min(a[0], c[0])-1e-6 || p[0] > math.Max(a[0], c[0])+1e-6 ||
				p[1] < math.Min(a[1], c[1])-1e-6 || p[1] > math.Max(a[1], c[1])+1e-6 {
				continue
			}
			if planar.DistanceFromSegment(a, c, p) < 1e-6 {
				return true
			}
		}
	}
	return false
}
