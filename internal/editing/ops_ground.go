package editing

import (
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// reshape gives grid op.Grid the shape op.Geometry within its parent:
// ground it now covers is taken from the siblings there (and from gaps),
// ground it gives up goes to the sibling across (the one named in give_to
// that borders it, else the one sharing the longest edge with it).
func (w *work) reshape(op Op) error {
	x, err := w.load(op.Grid)
	if err != nil {
		return err
	}
	parent, ground, sibs, err := w.group(x)
	if err != nil {
		return err
	}
	kids, err := w.e.Children(w.ctx, x.Code)
	if err != nil {
		return err
	}
	g := w.snapperFor(ground, sibs, kids).shape(op.Geometry)
	if len(g) == 0 {
		return w.refuse("the new shape of %s has no area", describe(x))
	}
	if !tiles(x, parent) {
		return w.reshapeOverlay(x, ground, g)
	}
	members := touching(sibs, boundOf(g, x.Geometry))
	for _, code := range op.GiveTo {
		if index(members, code) < 0 {
			return w.refuse("give_to %s is not a sibling of %s next to the ground it gives up", code, x.Code)
		}
	}
	a, err := w.arrange(region{members: members, background: ground, cuts: ringsOf(g)})
	if err != nil {
		return err
	}
	xi := index(members, x.Code)
	in := a.inside(g)
	labels := make([]int, len(a.owner))
	for i, o := range a.owner {
		switch {
		case o == ownerOutside:
			labels[i] = -1
		case in[i]:
			labels[i] = xi
		case o == ownerGap:
			labels[i] = -1
		default:
			labels[i] = o
		}
	}
	given := a.components(func(i int) bool { return a.owner[i] == xi && !in[i] }, false)
	for _, comp := range given {
		if pieceArea(a, comp) < sliverM2 {
			continue // round-off between the drawn shape and the grid's edge: absorbed, not given up
		}
		to, err := w.receiver(a, comp, members, xi, op.GiveTo)
		if err != nil {
			return err
		}
		for _, f := range comp {
			labels[f] = to
		}
	}
	rl, err := w.relabel(a, labels, nil)
	if err != nil {
		return err
	}
	for k, s := range rl.shapes {
		if len(s) > 0 {
			continue
		}
		if k == xi {
			return w.refuse("the new shape of %s lies outside its parent", describe(x))
		}
		return w.refuse("the new shape of %s covers all of %s; merge the two instead", x.Code, describe(members[k]))
	}
	if _, err := w.commit(rl, false); err != nil {
		return err
	}
	w.linkMoves(rl)
	return nil
}

// receiver chooses which sibling takes a piece of ground grid xi gives up:
// among those named (all siblings when none are), the one sharing the
// longest edge with it.
func (w *work) receiver(a *arrangement, piece []int, members []domain.Grid, xi int, named []string) (int, error) {
	border := a.border(piece)
	best, bestLen := -1, 0.0
	for k, l := range border {
		if k == xi || (len(named) > 0 && !slices.Contains(named, members[k].Code)) {
			continue
		}
		if l > bestLen || (l == bestLen && best >= 0 && members[k].Code < members[best].Code) {
			best, bestLen = k, l
		}
	}
	if best < 0 {
		p, _ := centre(a, piece)
		if len(named) > 0 {
			return 0, w.refuse("the ground %s gives up near x=%.1f, y=%.1f (EPSG:%d) borders none of %s", members[xi].Code, p[0], p[1], w.plan.SRID, strings.Join(named, ", "))
		}
		return 0, w.refuse("the ground %s gives up near x=%.1f, y=%.1f (EPSG:%d) borders no sibling, so it would become a gap", members[xi].Code, p[0], p[1], w.plan.SRID)
	}
	return best, nil
}

// pieceArea is the area (m²) of a set of faces.
func pieceArea(a *arrangement, piece []int) float64 {
	s := 0.0
	for _, f := range piece {
		s += a.area[f]
	}
	return s
}

// centre is a point inside the largest face of a piece, for messages.
func centre(a *arrangement, piece []int) (orb.Point, bool) {
	big := piece[0]
	for _, f := range piece {
		if a.area[f] > a.area[big] {
			big = f
		}
	}
	b := a.faces.Polygons[big].Bound()
	return b.Center(), true
}

// linkMoves records, for the lineage, the ground that went from one of
// the region's grids to another (and what each losing grid kept).
func (w *work) linkMoves(rl *relabelled) {
	for i, o := range rl.a.owner {
		l := rl.labels[i]
		if o < 0 || l < 0 || o == l {
			continue
		}
		from, to := rl.targets[o], rl.targets[l]
		w.link(from.Code, from.Code, from.Geometry, rl.shapes[o])
		w.link(from.Code, to.Code, from.Geometry, rl.shapes[l])
	}
}

// reshapeOverlay redraws an overlay special grid, which lies over the
// tiling rather than in it: its shape must stay inside its parent and keep
// its children inside it.
func (w *work) reshapeOverlay(x domain.Grid, ground, g orb.MultiPolygon) error {
	kids, err := w.e.Children(w.ctx, x.Code)
	if err != nil {
		return err
	}
	shapes := []orb.MultiPolygon{g}
	for _, k := range kids {
		shapes = append(shapes, k.Geometry)
	}
	parents := []orb.MultiPolygon{g}
	if ground != nil {
		parents = append(parents, ground)
	}
	areas, err := w.e.Areas(w.ctx, shapes, parents)
	if err != nil {
		return err
	}
	tol := func(total float64) float64 { return max(1e-6*total, 10*w.noiseM*w.noiseM) }
	if ground != nil && areas[0][1] < areas[0][2]-tol(areas[0][2]) {
		return w.refuse("the new shape of %s reaches %.0f m² outside its parent", describe(x), areas[0][2]-areas[0][1])
	}
	for i, k := range kids {
		if a := areas[i+1]; a[0] < a[len(a)-1]-tol(a[len(a)-1]) {
			return w.refuse("the new shape of %s leaves %.0f m² of its child %s outside it", x.Code, a[len(a)-1]-a[0], describe(k))
		}
	}
	before := x.Geometry
	x.Geometry = g
	if err := w.put(x, true); err != nil {
		return err
	}
	w.link(x.Code, x.Code, before, g)
	return nil
}

// moveBoundary redraws the boundary between two siblings along op.Line:
// the line divides their ground, and each side goes to the grid that held
// most of it.
func (w *work) moveBoundary(op Op) error {
	if len(op.Grids) != 2 || op.Grids[0] == op.Grids[1] {
		return w.refuse("grids must name two different grids")
	}
	a, err := w.load(op.Grids[0])
	if err != nil {
		return err
	}
	b, err := w.load(op.Grids[1])
	if err != nil {
		return err
	}
	if a.Parent != b.Parent || a.Level != b.Level {
		return w.refuse("%s and %s are not siblings (parents %q and %q)", a.Code, b.Code, a.Parent, b.Parent)
	}
	_, ground, sibs, err := w.group(a)
	if err != nil {
		return err
	}
	if index(sibs, b.Code) < 0 || index(sibs, a.Code) < 0 {
		return w.refuse("%s and %s are not both part of their parent's tiling", a.Code, b.Code)
	}
	line := w.snapperFor(ground, sibs).line(op.Line)
	members := touching(sibs, boundOf(a.Geometry, b.Geometry))
	arr, err := w.arrange(region{members: members, background: ground, cuts: []orb.LineString{line}})
	if err != nil {
		return err
	}
	ai, bi := index(members, a.Code), index(members, b.Code)
	labels := ownerLabels(arr)
	for _, comp := range arr.components(func(i int) bool { return arr.owner[i] == ai || arr.owner[i] == bi }, true) {
		var inA, inB float64
		for _, f := range comp {
			if arr.owner[f] == ai {
				inA += arr.area[f]
			} else {
				inB += arr.area[f]
			}
		}
		to := ai
		if inB > inA {
			to = bi
		}
		for _, f := range comp {
			labels[f] = to
		}
	}
	if slices.Equal(labels, ownerLabels(arr)) {
		return w.refuse("the line does not move the boundary between %s and %s: it must run across their shared boundary, from edge to edge of their ground", a.Code, b.Code)
	}
	rl, err := w.relabel(arr, labels, nil)
	if err != nil {
		return err
	}
	for _, k := range []int{ai, bi} {
		if len(rl.shapes[k]) == 0 {
			return w.refuse("the line leaves %s no ground", describe(members[k]))
		}
	}
	if _, err := w.commit(rl, false); err != nil {
		return err
	}
	w.linkMoves(rl)
	return nil
}

// ownerLabels labels every face with its owner, gaps and the outside left out.
func ownerLabels(a *arrangement) []int {
	labels := make([]int, len(a.owner))
	for i, o := range a.owner {
		labels[i] = max(o, -1)
		if o == ownerGap {
			labels[i] = -1
		}
	}
	return labels
}

// create adds a grid: its ground is taken from the siblings it covers and
// from gaps in its parent (an overlay special grid takes none).
func (w *work) create(op Op) error {
	f := *op.Feature
	if f.Level < 1 {
		return w.refuse("the feature needs a level")
	}
	var parent *domain.Grid
	if f.Parent != "" {
		p, err := w.load(f.Parent)
		if err != nil {
			return err
		}
		if p.Level != f.Level-1 {
			return w.refuse("parent %s is level %d; a grid of level %d needs a parent of level %d", p.Code, p.Level, f.Level, f.Level-1)
		}
		parent = &p
	} else if f.Level > 1 {
		return w.refuse("a grid of level %d needs a parent", f.Level)
	}
	probe := f
	if probe.Code == "" {
		probe.Code = "\x00new"
	}
	_, ground, sibs, err := w.group(probe)
	if err != nil {
		return err
	}
	g := w.snapperFor(ground, sibs).shape(f.Geometry)
	if len(g) == 0 {
		return w.refuse("the new grid's shape has no area")
	}
	if f.Code != "" {
		ok, err := w.e.Claim(w.ctx, f.Code)
		if err != nil {
			return err
		}
		if !ok {
			return w.refuse("code %q is taken: the plan has used it before, and codes are never reused; leave code out for a new one", f.Code)
		}
	}
	if !tiles(f, parent) {
		if f.Code == "" {
			codes, err := w.newCodes(parent, sibs, f.Kind, []orb.MultiPolygon{g})
			if err != nil {
				return err
			}
			f.Code = codes[0]
		}
		f.Geometry = g
		w.codes[w.op] = []string{f.Code}
		if err := w.put(f, true); err != nil {
			return err
		}
		w.link("", f.Code, nil, g)
		return nil
	}
	members := touching(sibs, g.Bound())
	a, err := w.arrange(region{members: members, background: ground, cuts: ringsOf(g)})
	if err != nil {
		return err
	}
	in := a.inside(g)
	labels := ownerLabels(a)
	for i, o := range a.owner {
		if in[i] && o != ownerOutside {
			labels[i] = len(members)
		}
	}
	rl, err := w.relabel(a, labels, []domain.Grid{f})
	if err != nil {
		return err
	}
	if len(rl.shapes[len(members)]) == 0 {
		return w.refuse("the new grid's shape lies outside its parent")
	}
	for k := range members {
		if len(rl.shapes[k]) == 0 {
			return w.refuse("the new grid covers all of %s; reshape or merge it instead", describe(members[k]))
		}
	}
	if f.Code == "" {
		codes, err := w.newCodes(parent, sibs, f.Kind, []orb.MultiPolygon{rl.shapes[len(members)]})
		if err != nil {
			return err
		}
		rl.targets[len(members)].Code = codes[0]
	}
	w.codes[w.op] = []string{rl.targets[len(members)].Code}
	if _, err := w.commit(rl, false); err != nil {
		return err
	}
	w.linkMoves(rl)
	return nil
}
