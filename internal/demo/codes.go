package demo

import (
	"fmt"
	"math"
)

// assignCodes numbers every grid below the divisions, following the 12-digit
// division codes: grid = community code + 4-digit sequence (specials from
// 9001), micro-grid = grid code + 3-digit sequence, and the first-level
// specials' sub-grids the same way under 410103901000 / 410103902000.
// Sequences run west→east in rows from north to south inside the parent.
func (b *build) assignCodes() error {
	children := make([][]int, len(b.grids))
	for i, g := range b.grids {
		if g.parent >= 0 {
			children[g.parent] = append(children[g.parent], i)
		}
	}
	// Parents come before their children in b.grids, so names and codes
	// are ready when the children need them.
	for p := range b.grids {
		for _, r := range [...]role{roleGrid, roleSpecial, roleMicro, roleSpecialMicro, roleTop2, roleTop3, roleTop4} {
			var kids []int
			for _, c := range children[p] {
				if b.grids[c].role == r {
					kids = append(kids, c)
				}
			}
			b.readingOrder(kids)
			parent := b.grids[p]
			for k, c := range kids {
				g := &b.grids[c]
				seq := k + 1
				switch r {
				case roleGrid:
					g.code, g.name = fmt.Sprintf("%s%04d", parent.code, seq), fmt.Sprintf("%s第%d网格", parent.name, seq)
				case roleSpecial:
					g.code = fmt.Sprintf("%s%04d", parent.code, 9000+seq)
				case roleMicro, roleSpecialMicro, roleTop4:
					g.code, g.name = fmt.Sprintf("%s%03d", parent.code, seq), fmt.Sprintf("%s第%d微网格", parent.name, seq)
				case roleTop2:
					g.code, g.name = fmt.Sprintf("%s%03d", parent.code[:9], seq), fmt.Sprintf("%s第%d片区", parent.name, seq)
				case roleTop3:
					g.code, g.name = fmt.Sprintf("%s%04d", parent.code, seq), fmt.Sprintf("%s第%d网格", parent.name, seq)
				}
			}
		}
	}
	return nil
}

// readingOrder sorts grids west→east in rows from north to south: rows are
// bands as tall as a typical grid of the set.
func (b *build) readingOrder(gs []int) {
	if len(gs) < 2 {
		return
	}
	type key struct {
		i    int
		x, y float64
		row  int
	}
	keys := make([]key, len(gs))
	area, top := 0.0, math.Inf(-1)
	for k, i := range gs {
		cx, cy, a := 0.0, 0.0, 0.0
		for _, f := range b.grids[i].atoms {
			fa := b.at.area[f]
			cx += fa * b.at.cen[f][0]
			cy += fa * b.at.cen[f][1]
			a += fa
		}
		keys[k] = key{i: i, x: cx / a, y: cy / a}
		area += a
		top = math.Max(top, cy/a)
	}
	band := math.Sqrt(area / float64(len(gs)))
	for k := range keys {
		keys[k].row = int(math.Floor((top - keys[k].y) / band))
	}
	sortStable(keys, func(p, q key) bool {
		if p.row != q.row {
			return p.row < q.row
		}
		return p.x < q.x
	})
	for k := range keys {
		gs[k] = keys[k].i
	}
}
