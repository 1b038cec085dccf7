package geo

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Lattice is a set of axis-parallel lines: vertical lines x = X[i] and
// horizontal lines y = Y[j], each list strictly increasing. The spacing may be
// irregular.
//
// Cells are numbered by the lines below them: column c holds the points with
// X[c-1] < x < X[c] (column 0 lies west of every line, column len(X) east of
// every line), and row r likewise between Y[r-1] and Y[r].
type Lattice struct {
	X, Y []float64
}

// Cell returns the column and row of the cell containing p. A point on a line
// counts in the cell east of (or north of) that line.
func (l Lattice) Cell(p orb.Point) (col, row int) {
	return sort.Search(len(l.X), func(i int) bool { return l.X[i] > p[0] }),
		sort.Search(len(l.Y), func(j int) bool { return l.Y[j] > p[1] })
}

// Clear returns a copy of l whose lines are moved, where needed, so that no
// vertex of p lies within tol of a line and no crossing of p's edges with a
// line lies within tol of a lattice node. [Arrange] needs this: a vertex on a
// line, or a crossing next to a node, would make the order of crossings along
// an edge depend on rounding and would leave needle-thin faces.
//
// A line that is too close is moved to 2·tol from the offending point, away
// from it; the check repeats until nothing moves. Clear fails when lines
// would no longer be strictly increasing (tol must be far below the spacing).
func (l Lattice) Clear(p orb.Polygon, tol float64) (Lattice, error) {
	out := Lattice{X: append([]float64(nil), l.X...), Y: append([]float64(nil), l.Y...)}
	if !(tol > 0) {
		return out, errors.New("geo: Lattice.Clear needs a positive tolerance")
	}
	for round := 0; round < 100; round++ {
		moved := false
		for _, r := range p {
			for k := range r {
				if clearEdge(out, r[k], r[(k+1)%len(r)], tol) {
					moved = true
				}
			}
		}
		if !moved {
			if err := out.check(); err != nil {
				return Lattice{}, err
			}
			return out, nil
		}
	}
	return Lattice{}, errors.New("geo: Lattice.Clear did not settle; the tolerance is too large for the spacing")
}

// clearEdge nudges the lines near vertex a and near the crossings of edge
// a→b, recomputing the crossings after each move, and reports whether any
// line moved.
func clearEdge(l Lattice, a, b orb.Point, tol float64) bool {
	moved := nudge(l.X, a[0], tol)
	if nudge(l.Y, a[1], tol) {
		moved = true
	}
	for again, n := true, 0; again && n < 100; n++ {
		again = false
		for _, c := range crossings(l, a, b) {
			if (c.vertical && nudge(l.Y, c.p[1], tol)) || (!c.vertical && nudge(l.X, c.p[0], tol)) {
				moved, again = true, true
				break
			}
		}
	}
	return moved
}

// check reports whether both line lists are finite and strictly increasing.
func (l Lattice) check() error {
	for _, axis := range [2]struct {
		name string
		v    []float64
	}{{"X", l.X}, {"Y", l.Y}} {
		name, v := axis.name, axis.v
		for i := range v {
			if math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
				return fmt.Errorf("geo: lattice %s[%d] is not finite", name, i)
			}
			if i > 0 && !(v[i] > v[i-1]) {
				return fmt.Errorf("geo: lattice %s is not strictly increasing at %d", name, i)
			}
		}
	}
	return nil
}

// nudge moves the line nearest to v to 2·tol from v when it is closer than
// tol, and reports whether it moved one.
func nudge(lines []float64, v, tol float64) bool {
	i := sort.SearchFloat64s(lines, v)
	for _, k := range [2]int{i - 1, i} {
		if k < 0 || k >= len(lines) || math.Abs(lines[k]-v) >= tol {
			continue
		}
		if lines[k] >= v {
			lines[k] = v + 2*tol
		} else {
			lines[k] = v - 2*tol
		}
		return true
	}
	return false
}

// crossing is where a segment crosses a lattice line: on vertical line
// X[line] (vertical) or horizontal line Y[line]. t orders crossings along
// the segment.
type crossing struct {
	p        orb.Point
	t        float64
	line     int
	vertical bool
}

// crossings returns the crossings of segment a→b with the lines of l, in
// order from a to b. Endpoints on a line are not crossings; [Arrange]
// rejects them beforehand. The crossing's coordinate on its line is set
// exactly to the line, so both cells beside the line see the same point.
func crossings(l Lattice, a, b orb.Point) []crossing {
	var out []crossing
	if a[0] != b[0] {
		lo, hi := math.Min(a[0], b[0]), math.Max(a[0], b[0])
		for i := sort.SearchFloat64s(l.X, lo); i < len(l.X) && l.X[i] < hi; i++ {
			if l.X[i] == lo {
				continue
			}
			t := (l.X[i] - a[0]) / (b[0] - a[0])
			out = append(out, crossing{p: orb.Point{l.X[i], a[1] + t*(b[1]-a[1])}, t: t, line: i, vertical: true})
		}
	}
	if a[1] != b[1] {
		lo, hi := math.Min(a[1], b[1]), math.Max(a[1], b[1])
		for j := sort.SearchFloat64s(l.Y, lo); j < len(l.Y) && l.Y[j] < hi; j++ {
			if l.Y[j] == lo {
				continue
			}
			t := (l.Y[j] - a[1]) / (b[1] - a[1])
			out = append(out, crossing{p: orb.Point{a[0] + t*(b[0]-a[0]), l.Y[j]}, t: t, line: j})
		}
	}
	// Ties only happen for a crossing exactly at a node, which Arrange rejects;
	// the stable sort keeps even that case deterministic.
	sort.SliceStable(out, func(i, j int) bool { return out[i].t < out[j].t })
	return out
}
