package editing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// split cuts grid op.Grid along op.Lines into parts with new codes; the
// grid's code is retired. Children go to the part that holds them; a child
// a line cuts is refused unless op.SplitChildren, which splits it along
// the same lines.
func (w *work) split(op Op) error {
	x, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	parts, err := w.splitGrid(x, op.Lines, op.Names, op.SplitChildren, nil)
	if err != nil {
		return err
	}
	w.codes[w.op] = parts
	return nil
}

// splitGrid splits x along lines and returns the parts' codes in reading
// order. parentOf, when set, names the parent of each part (x's own parent
// was split too); otherwise the parts keep x's parent.
func (w *work) splitGrid(x domain.Grid, lines []orb.LineString, names []string, splitChildren bool,
	parentOf func(orb.MultiPolygon) (string, error)) ([]string, error) {
	parent, ground, sibs, err := w.group(x)
	if err != nil {
		return nil, err
	}
	if !tiles(x, parent) {
		sibs = append(sibs, x) // an overlay grid is split within itself
	}
	kids, err := w.e.Children(w.ctx, x.Code)
	if err != nil {
		return nil, err
	}
	cuts := lines
	if parentOf == nil {
		// A child split along its parent's lines takes them as they are:
		// snapped again to the child's vertices they would drift from the
		// parent's new boundary.
		snap := w.snapperFor(ground, sibs, kids)
		cuts = make([]orb.LineString, len(lines))
		for i, l := range lines {
			cuts[i] = snap.line(l)
		}
	}
	members := touching(sibs, x.Geometry.Bound())
	if !tiles(x, parent) {
		members, ground = []domain.Grid{x}, nil
	}
	a, err := w.arrange(region{members: members, background: ground, cuts: cuts})
	if err != nil {
		return nil, err
	}
	xi := index(members, x.Code)
	var pieces [][]int
	for _, p := range a.components(func(i int) bool { return a.owner[i] == xi }, true) {
		area := 0.0
		for _, f := range p {
			area += a.area[f]
		}
		if area >= sliverM2 { // slivers of round-off go with their neighbours
			pieces = append(pieces, p)
		}
	}
	if len(pieces) < 2 {
		return nil, w.refuse("the line does not cut %s in two: a split line must cross the grid from edge to edge", describe(x))
	}
	if len(names) > 0 && len(names) != len(pieces) {
		return nil, w.refuse("names gives %d names for %d parts", len(names), len(pieces))
	}
	labels := ownerLabels(a)
	extra := make([]domain.Grid, len(pieces))
	for p, piece := range pieces {
		for _, f := range piece {
			labels[f] = len(members) + p
		}
		extra[p] = x
		extra[p].Code = fmt.Sprintf("\x00part%d", p)
	}
	rl, err := w.relabel(a, labels, extra)
	if err != nil {
		return nil, err
	}
	shapes := rl.shapes[len(members):]
	order := readingOrder(shapes)
	codes := make([]string, len(shapes))
	if parentOf == nil {
		if codes, err = w.newCodes(parent, sibs, x.Kind, shapes); err != nil {
			return nil, err
		}
	}
	for rank, p := range order {
		t := &rl.targets[len(members)+p]
		if parentOf != nil {
			// The parent was split too: number the part under its new parent.
			if t.Parent, err = parentOf(shapes[p]); err != nil {
				return nil, err
			}
			c, err := w.newCodes(&domain.Grid{Code: t.Parent, Level: x.Level - 1}, nil, x.Kind, shapes[p:p+1])
			if err != nil {
				return nil, err
			}
			codes[p] = c[0]
		}
		t.Code = codes[p]
		t.Name = x.Name + fmt.Sprintf("(%d)", rank+1)
		if len(names) > 0 {
			t.Name = names[rank]
		}
	}
	if _, err := w.commit(rl, splitChildren); err != nil {
		return nil, err
	}
	if err := w.remove(x.Code); err != nil {
		return nil, err
	}
	out := make([]string, len(order))
	for rank, p := range order {
		out[rank] = codes[p]
		w.link(x.Code, codes[p], x.Geometry, shapes[p])
	}
	w.linkMoves(rl)
	return out, nil
}

// splitChild splits a child that a split of its parent cut along the new
// parents' boundaries, giving each piece to the new parent that holds it.
func (w *work) splitChild(kid domain.Grid, rl *relabelled, parents []string, shapes []orb.MultiPolygon) error {
	parentOf := func(part orb.MultiPolygon) (string, error) {
		areas, err := w.e.Areas(w.ctx, []orb.MultiPolygon{part}, shapes)
		if err != nil {
			return "", err
		}
		total := areas[0][len(shapes)]
		for k := range shapes {
			if areas[0][k] >= total-max(1e-6*total, 10*w.noiseM*w.noiseM) {
				return parents[k], nil
			}
		}
		return "", w.refuse("part of child grid %s does not fall in one part of its parent (%.1f m² in %v)", describe(kid), total, areas[0])
	}
	// The parts' own boundaries are the lines: they carry every node the
	// split made, so the child's pieces meet them vertex for vertex rather
	// than crossing the lines again at computed points.
	var lines []orb.LineString
	for _, s := range shapes {
		lines = append(lines, ringsOf(s)...)
	}
	_, err := w.splitGrid(kid, lines, nil, true, parentOf)
	return err
}

// merge joins adjacent siblings into one (撤并): the one named in keep, or
// a grid with a new code; the others' codes are retired and their children
// go to the merged grid.
func (w *work) merge(codes []string, keep string, name *string) error {
	if len(codes) < 2 {
		return w.refuse("merge needs two or more grids")
	}
	var grids []domain.Grid
	for _, c := range codes {
		if slices.ContainsFunc(grids, func(g domain.Grid) bool { return g.Code == c }) {
			return w.refuse("grid %s is named twice", c)
		}
		g, err := w.load(c)
		if err != nil {
			return err
		}
		if len(grids) > 0 && (g.Parent != grids[0].Parent || g.Level != grids[0].Level) {
			return w.refuse("%s and %s are not siblings (parents %q and %q): reparent one first", grids[0].Code, g.Code, grids[0].Parent, g.Parent)
		}
		grids = append(grids, g)
	}
	if keep != "" && !slices.Contains(codes, keep) {
		return w.refuse("keep %s is not one of the merged grids %s", keep, strings.Join(codes, ", "))
	}
	parent, ground, sibs, err := w.group(grids[0])
	if err != nil {
		return err
	}
	for _, g := range grids {
		if index(sibs, g.Code) < 0 {
			return w.refuse("%s is an overlay special grid; merge works on grids that tile their parent", g.Code)
		}
	}
	shapes := make([]orb.MultiPolygon, len(grids))
	for i, g := range grids {
		shapes[i] = g.Geometry
	}
	members := touching(sibs, boundOf(shapes...))
	a, err := w.arrange(region{members: members, background: ground})
	if err != nil {
		return err
	}
	merged := map[int]bool{}
	for _, c := range codes {
		merged[index(members, c)] = true
	}
	if n := len(a.components(func(i int) bool { return a.owner[i] >= 0 && merged[a.owner[i]] }, false)); n > 1 {
		return w.refuse("grids %s are not all adjacent: together they would be %d pieces", strings.Join(codes, ", "), n)
	}
	target := index(members, keep)
	var extra []domain.Grid
	if keep == "" {
		g := grids[0]
		g.Code = "\x00merged"
		extra, target = []domain.Grid{g}, len(members)
	}
	labels := ownerLabels(a)
	for i, o := range a.owner {
		if o >= 0 && merged[o] {
			labels[i] = target
		}
	}
	rl, err := w.relabel(a, labels, extra)
	if err != nil {
		return err
	}
	t := &rl.targets[target]
	if name != nil {
		t.Name = *name
	}
	if keep == "" {
		newCodes, err := w.newCodes(parent, sibs, grids[0].Kind, []orb.MultiPolygon{rl.shapes[target]})
		if err != nil {
			return err
		}
		t.Code = newCodes[0]
		w.codes[w.op] = newCodes
	}
	if _, err := w.commit(rl, false); err != nil {
		return err
	}
	for _, g := range grids {
		if g.Code != t.Code {
			if err := w.remove(g.Code); err != nil {
				return err
			}
		}
		w.link(g.Code, t.Code, g.Geometry, rl.shapes[target])
	}
	return nil
}

// deleteGrid removes a grid, its ground (and children) going to the
// sibling named in give_to or, when none is named, to the sibling that
// shares the longest edge with it.
func (w *work) deleteGrid(op Op) error {
	if len(op.GiveTo) == 1 {
		return w.merge([]string{op.Grid, op.GiveTo[0]}, op.GiveTo[0], nil)
	}
	x, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	_, ground, sibs, err := w.group(x)
	if err != nil {
		return err
	}
	if index(sibs, x.Code) < 0 {
		// An overlay grid leaves nothing to give: its children go with it.
		kids, err := w.e.Children(w.ctx, x.Code)
		if err != nil {
			return err
		}
		if len(kids) > 0 {
			return w.refuse("%s still has %d child grid(s); delete or move them first", describe(x), len(kids))
		}
		return w.remove(x.Code)
	}
	members := touching(sibs, x.Geometry.Bound())
	a, err := w.arrange(region{members: members, background: ground})
	if err != nil {
		return err
	}
	xi := index(members, x.Code)
	var faces []int
	for i, o := range a.owner {
		if o == xi {
			faces = append(faces, i)
		}
	}
	to, err := w.receiver(a, faces, members, xi, nil)
	if err != nil {
		return err
	}
	return w.merge([]string{x.Code, members[to].Code}, members[to].Code, nil)
}
