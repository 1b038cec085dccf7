package suggest

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/domain"
)

// Sibling is a grid that may take part in a merge, with its figures.
type Sibling struct {
	Code                string
	Persons, Households int64
	Geometry            orb.MultiPolygon // metric CRS
}

// MergeGroup is two or three adjacent siblings, at least one of them
// under the band, whose union is within it.
type MergeGroup struct {
	Members             []int // indexes into the siblings, ascending
	Persons, Households int64
	Fit                 float64 // balance.Fit of the union: 1 mid-band, 0 at its edge
	SharedM             float64 // boundary the members share among themselves
	PerimeterM          float64 // of the union
}

// MergeGroups lists the groups of siblings a merge could join: adjacent
// pairs (sharing more than tolM of boundary), and adjacent triples where
// an under-band member has no pair, each with at least one member under
// band and the union within it.
func MergeGroups(sibs []Sibling, band domain.Band, tolM float64) []MergeGroup {
	n := len(sibs)
	under := make([]bool, n)
	for i, s := range sibs {
		under[i] = bandOf(band, s.Persons, s.Households) == "under"
	}
	shared := make([][]float64, n)
	perim := make([]float64, n)
	for i := range sibs {
		shared[i] = make([]float64, n)
		perim[i] = planar.Length(sibs[i].Geometry)
	}
	for i := range sibs {
		for j := i + 1; j < n; j++ {
			if sibs[i].Geometry.Bound().Pad(tolM).Intersects(sibs[j].Geometry.Bound()) {
				l := geo.SharedBoundaryLength(sibs[i].Geometry, sibs[j].Geometry, tolM)
				shared[i][j], shared[j][i] = l, l
			}
		}
	}
	group := func(members ...int) (MergeGroup, bool) {
		g := MergeGroup{Members: members}
		anyUnder := false
		for k, i := range members {
			g.Persons += sibs[i].Persons
			g.Households += sibs[i].Households
			g.PerimeterM += perim[i]
			anyUnder = anyUnder || under[i]
			for _, j := range members[k+1:] {
				g.SharedM += shared[i][j]
			}
		}
		g.PerimeterM -= 2 * g.SharedM
		if !anyUnder || bandOf(band, g.Persons, g.Households) != "within" {
			return g, false
		}
		g.Fit = balance.Fit(band, g.Persons, g.Households)
		return g, true
	}
	var out []MergeGroup
	paired := make([]bool, n)
	for i := range sibs {
		for j := i + 1; j < n; j++ {
			if shared[i][j] <= tolM {
				continue
			}
			if g, ok := group(i, j); ok {
				out = append(out, g)
				paired[i], paired[j] = true, true
			}
		}
	}
	for i := range sibs {
		for j := i + 1; j < n; j++ {
			for k := j + 1; k < n; k++ {
				links := 0
				for _, e := range [][2]int{{i, j}, {i, k}, {j, k}} {
					if shared[e[0]][e[1]] > tolM {
						links++
					}
				}
				lonely := (under[i] && !paired[i]) || (under[j] && !paired[j]) || (under[k] && !paired[k])
				if links < 2 || !lonely {
					continue
				}
				if g, ok := group(i, j, k); ok {
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// mergeScore ranks merges that keep the walking rule, higher first: the
// union's fit in the band, plus half the share of its members' outline
// they share with one another (long shared boundaries make compact
// unions), plus half the walking margin: 1 when everyone lives at the
// kept facility's door, 0 when the farthest resident is at the limit.
func mergeScore(g MergeGroup, maxWalkM, limitM float64) float64 {
	share := 0.0
	if total := g.PerimeterM + 2*g.SharedM; total > 0 {
		share = 2 * g.SharedM / total
	}
	margin := 0.0
	if limitM > 0 {
		margin = math.Max(0, 1-maxWalkM/limitM)
	}
	return g.Fit + 0.5*share + 0.5*margin
}

// sortGroups orders candidate merges by score, best first, then by their
// members' indexes.
func sortGroups[T any](xs []T, score func(T) float64, members func(T) []int) {
	slices.SortStableFunc(xs, func(a, b T) int {
		return cmp.Or(cmp.Compare(score(b), score(a)), slices.Compare(members(a), members(b)))
	})
}
