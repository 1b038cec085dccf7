package editing

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
)

// New codes follow the practice of the statistical division codes: the
// parent's code and the next sequence number not used under it, in the
// width its children's codes have (a community's grids: four digits;
// micro-grids: three). Special grids continue their own sequence where
// they have one (the demo numbers them from 9001). A code the plan ever
// used, in any draft, is never given again: each new code is claimed in
// plan_code inside the change set, so two drafts cannot take the same one.

// newCodes returns n new codes for grids of kind under parent (nil: the
// top level), the i-th for shapes[i] in reading order: north to south,
// then west to east.
func (w *work) newCodes(parent *domain.Grid, siblings []domain.Grid, kind domain.Kind, shapes []orb.MultiPolygon) ([]string, error) {
	prefix := ""
	if parent != nil {
		prefix = parent.Code
	} else {
		prefix = commonPrefix(siblings)
	}
	// The width is that of the parent's children's codes (of this kind
	// when it has some); the sequence continues after the highest number
	// of that width ever used under the parent.
	width := 3
	if parent != nil && parent.Level == 2 {
		width = 4
	}
	widths := map[bool]map[int]int{true: {}, false: {}}
	for _, g := range siblings {
		if strings.HasPrefix(g.Code, prefix) && isDigits(g.Code[len(prefix):]) {
			widths[g.Kind == kind][len(g.Code)-len(prefix)]++
		}
	}
	for _, same := range []bool{false, true} {
		best := 0
		for wd, c := range widths[same] {
			if c > best || (c == best && wd > width) {
				width, best = wd, c
			}
		}
	}
	used, err := w.e.CodesUnder(w.ctx, prefix, width)
	if err != nil {
		return nil, err
	}
	next, seen := 1, false
	for code, k := range used {
		suffix := code[len(prefix):]
		if len(suffix) != width || !isDigits(suffix) || (k == domain.KindSpecial) != (kind == domain.KindSpecial) {
			continue
		}
		n, _ := strconv.Atoi(suffix)
		next, seen = max(next, n+1), true
	}
	if kind == domain.KindSpecial && !seen && width >= 4 {
		next = 9*int(math.Pow10(width-1)) + 1 // a parent's first special grid: 9001
	}
	out := make([]string, len(shapes))
	for _, i := range readingOrder(shapes) {
		for {
			code := prefix + pad(next, width)
			next++
			claimed, err := w.e.Claim(w.ctx, code)
			if err != nil {
				return nil, err
			}
			if claimed {
				out[i] = code
				break
			}
		}
	}
	return out, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// commonPrefix is the longest prefix all grids' codes share before their
// numeric suffix: the top level's "parent" code.
func commonPrefix(grids []domain.Grid) string {
	if len(grids) == 0 {
		return ""
	}
	p := grids[0].Code
	for _, g := range grids[1:] {
		for !strings.HasPrefix(g.Code, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// readingOrder returns the indexes of shapes ordered north to south in
// rows, west to east within a row, by interior point: the order codes
// are numbered in inside a community.
func readingOrder(shapes []orb.MultiPolygon) []int {
	type key struct {
		i    int
		p    orb.Point
		rowH float64
	}
	keys := make([]key, len(shapes))
	for i, s := range shapes {
		p, _ := geo.InteriorPoint(s)
		b := s.Bound()
		keys[i] = key{i, p, (b.Max[1] - b.Min[1]) / 2}
	}
	slices.SortFunc(keys, func(a, b key) int {
		// Two shapes whose points are within half a shape's height of
		// each other are in one row.
		if math.Abs(a.p[1]-b.p[1]) > math.Min(a.rowH, b.rowH) {
			if a.p[1] > b.p[1] {
				return -1
			}
			return 1
		}
		switch {
		case a.p[0] < b.p[0]:
			return -1
		case a.p[0] > b.p[0]:
			return 1
		}
		return a.i - b.i
	})
	out := make([]int, len(keys))
	for k, c := range keys {
		out[k] = c.i
	}
	return out
}
