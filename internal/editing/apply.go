package editing

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridplan/gridplan/internal/domain"
)

// relabelled is a region after an op labelled its faces: targets[l] is the
// grid faces labelled l go to (the region's members first, then any grids
// the op makes), shapes[l] what they add up to.
type relabelled struct {
	a       *arrangement
	labels  []int
	targets []domain.Grid
	shapes  []orb.MultiPolygon
	members int // targets[:members] are the region's members
}

// relabel traces the shapes of labels and checks that every member that
// keeps ground keeps it in one piece (or as many pieces as it had).
func (w *work) relabel(a *arrangement, labels []int, extra []domain.Grid) (*relabelled, error) {
	targets := append(append([]domain.Grid{}, a.r.members...), extra...)
	shapes, err := a.shapes(labels, len(targets))
	if err != nil {
		return nil, w.refuse("the edit does not give a clean tiling (%v); draw it again", err)
	}
	rl := &relabelled{a: a, labels: labels, targets: targets, shapes: shapes, members: len(a.r.members)}
	for l, s := range shapes {
		had := 1
		if l < rl.members {
			had = max(1, len(targets[l].Geometry))
		}
		if len(s) > had {
			var areas []float64
			for _, p := range s {
				areas = append(areas, math.Round(planar.Area(orb.MultiPolygon{p})*100)/100)
			}
			return nil, w.refuse("grid %s would be cut into %d pieces (%v m²)", describe(targets[l]), len(s), areas)
		}
	}
	return rl, nil
}

// changed reports whether label l's ground changed: a face went to it or
// left it.
func (rl *relabelled) changed(l int) bool {
	for i, o := range rl.a.owner {
		if (o == l) != (rl.labels[i] == l) {
			return true
		}
	}
	return false
}

// commit writes what the relabelling changed: targets whose ground moved
// (checked against the change set's base), members that only gained
// vertices, and every other grid of the view sharing an edge where a new
// node now is. Children of grids whose ground moved follow their ground
// (see follow). Members left without ground must have been removed by the
// op; it returns the codes whose ground changed.
func (w *work) commit(rl *relabelled, splitChildren bool) (map[string]orb.MultiPolygon, error) {
	shapes := map[string]orb.MultiPolygon{}
	moved := map[string]orb.MultiPolygon{}
	rewritten := map[string]bool{}
	for l, t := range rl.targets {
		s := rl.shapes[l]
		if len(s) == 0 {
			continue
		}
		shapes[t.Code] = s
		rewritten[t.Code] = true
		semantic := l >= rl.members || rl.changed(l)
		if l < rl.members && !semantic && sameShape(t.Geometry, s) {
			continue
		}
		t.Geometry = s
		if err := w.put(t, semantic); err != nil {
			return nil, err
		}
		if semantic {
			moved[t.Code] = s
		}
	}
	for _, m := range rl.a.r.members {
		rewritten[m.Code] = true
	}
	if err := w.spread(shapes, rewritten); err != nil {
		return nil, err
	}
	if err := w.follow(rl, moved, splitChildren); err != nil {
		return nil, err
	}
	return moved, nil
}

// follow moves the children of grids whose ground moved with the ground:
// a child now wholly inside another of the region's grids becomes its
// child; a child the new boundary cuts is refused (draw the boundary along
// the child's edges, or edit the child first) unless splitChildren asks
// for it to be split along the same lines.
func (w *work) follow(rl *relabelled, moved map[string]orb.MultiPolygon, splitChildren bool) error {
	var parents []string
	var shapes []orb.MultiPolygon
	for l, t := range rl.targets {
		if len(rl.shapes[l]) > 0 {
			parents = append(parents, t.Code)
			shapes = append(shapes, rl.shapes[l])
		}
	}
	var kids []domain.Grid
	for _, m := range rl.a.r.members {
		if _, ok := moved[m.Code]; !ok && len(rl.shapes[index(rl.targets, m.Code)]) > 0 {
			continue // its ground did not move: its children stay where they are
		}
		cs, err := w.e.Children(w.ctx, m.Code)
		if err != nil {
			return err
		}
		kids = append(kids, cs...)
	}
	if len(kids) == 0 {
		return nil
	}
	geoms := make([]orb.MultiPolygon, len(kids))
	for i, k := range kids {
		geoms[i] = k.Geometry
	}
	areas, err := w.e.Areas(w.ctx, geoms, shapes)
	if err != nil {
		return err
	}
	for i, kid := range kids {
		total := areas[i][len(shapes)]
		tol := math.Max(1e-6*total, 10*w.noiseM*w.noiseM)
		home := -1
		for k := range shapes {
			if areas[i][k] >= total-tol {
				home = k
			}
		}
		if home < 0 {
			if splitChildren {
				if err := w.splitChild(kid, rl, parents, shapes); err != nil {
					return err
				}
				continue
			}
			best, at := 0.0, ""
			for k := range shapes {
				if areas[i][k] > best {
					best, at = areas[i][k], parents[k]
				}
			}
			return w.refuse("the new boundary cuts child grid %s (%.0f m² of its %.0f m² would stay in %s); draw the boundary along its edges or edit it first",
				describe(kid), best, total, at)
		}
		if kid.Parent != parents[home] {
			kid.Parent = parents[home]
			if err := w.put(kid, true); err != nil {
				return err
			}
			w.link(kid.Code, kid.Code, kid.Geometry, kid.Geometry)
		}
	}
	return nil
}

// describe names a grid for messages: its code and name.
func describe(g domain.Grid) string {
	if g.Name != "" {
		return fmt.Sprintf("%s %s", g.Code, g.Name)
	}
	return g.Code
}
