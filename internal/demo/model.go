package demo

import (
	"sort"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// grid is a grid while it is being built: a set of atoms and what it is.
type grid struct {
	code, name string
	level      int
	parent     int // index into build.grids, -1 at level 1
	kind       domain.Kind
	category   string
	mode       domain.Mode
	role       role
	atoms      []int32
	urban      float64 // persons-weighted urbanness, for sizing what goes inside
}

// role says how a grid is coded and named under its parent.
type role int

const (
	roleStreet       role = iota // code and name from the divisions
	roleComm                     // code and name from the divisions
	roleGrid                     // community code + 0001…, "…第7网格"
	roleMicro                    // grid code + 001…, "…第2微网格"
	roleSpecial                  // community code + 9001…, named at creation
	roleSpecialMicro             // special code + 001…
	roleTop                      // first-level special: 410103901000, named at creation
	roleTop2                     // first-level special code[:9] + 001…, "…第1片区"
	roleTop3                     // parent code + 0001…, "…第3网格"
	roleTop4                     // parent code + 001…, "…第2微网格"
)

// group returns the dissolve group of g: the base levels 1–4 (base and
// carve-out grids, which tile the district), the business district's
// levels 1–4, and the overlay special grids of level 3.
func (b *build) group(i int) int {
	g := &b.grids[i]
	switch {
	case g.mode != domain.ModeOverlay:
		return g.level - 1
	case g.role == roleSpecial:
		return 8
	default:
		return 4 + g.level - 1
	}
}

const groups = 9

// unit is a population unit in the making.
type unit struct {
	atom       int32
	p          orb.Point
	persons    int
	households int
	urban      float64
}

func (b *build) addGrid(g grid) int {
	b.grids = append(b.grids, g)
	i := len(b.grids) - 1
	if g.mode != domain.ModeOverlay {
		for _, f := range g.atoms {
			b.owner[g.level-1][f] = int32(i)
		}
	}
	return i
}

// tally returns the persons and balance weight of a set of atoms.
func (b *build) tally(set []int32) (persons int, weight float64) {
	for _, f := range set {
		persons += b.persons[f]
		weight += b.weight[f]
	}
	return persons, weight
}

// urbanOf is the persons-weighted urbanness of a set of atoms.
func (b *build) urbanOf(set []int32) float64 {
	s, w := 0.0, 0.0
	for _, f := range set {
		m := float64(b.persons[f]) + 1e-3*b.at.area[f]
		s += m * urban(b.smooth[f])
		w += m
	}
	if w == 0 {
		return 0
	}
	return s / w
}

// nearestAtom returns the atom whose centroid is nearest p among those ok
// accepts (all when ok is nil), or -1.
func (b *build) nearestAtom(p orb.Point, set []int32, ok func(int32) bool) int32 {
	best, bestD := int32(-1), 0.0
	try := func(f int32) {
		if ok != nil && !ok(f) {
			return
		}
		dx, dy := b.at.cen[f][0]-p[0], b.at.cen[f][1]-p[1]
		if d := dx*dx + dy*dy; best < 0 || d < bestD {
			best, bestD = f, d
		}
	}
	if set == nil {
		for f := range b.at.n {
			try(int32(f))
		}
	} else {
		for _, f := range set {
			try(f)
		}
	}
	return best
}

// sortStable sorts s by less, keeping equal elements in order, so results
// never depend on the sort algorithm.
func sortStable[T any](s []T, less func(a, b T) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}
