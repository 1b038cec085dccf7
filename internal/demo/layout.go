package demo

import (
	"github.com/gridplan/gridplan/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// layout scales the outline, fits the lon/lat → metric map, lays the
// lattice and cuts the outline into atoms.
func (b *build) layout() error {
	c, area := planar.CentroidArea(b.in.Outline)
	if !(area > 0) {
		return errInvalid("the input outline has no area")
	}
	b.centre = c
	b.outline = make(orb.Polygon, len(b.in.Outline))
	for i, r := range b.in.Outline {
		b.outline[i] = make(orb.Ring, len(r))
		for k, p := range r {
			b.outline[i][k] = b.place(p)
		}
	}
	b.toM = b.fitProjection()

	rng := b.rng(stageLattice)
	bound := b.outline.Bound()
	lines := func(lo, hi float64) []float64 {
		var v []float64
		for x := lo - 1 - rng.Float64()*atomSpacingM; x <= hi+atomSpacingM; x += atomSpacingM * (0.8 + 0.4*rng.Float64()) {
			v = append(v, x)
		}
		return v
	}
	l := geo.Lattice{X: lines(bound.Min[0], bound.Max[0]), Y: lines(bound.Min[1], bound.Max[1])}
	l, err := l.Clear(b.outline, latticeClearM)
	if err != nil {
		return err
	}
	if b.sub, err = geo.Arrange(b.outline, l); err != nil {
		return err
	}
	b.at = newAtoms(b.sub)
	b.sp = newSplitter(b.at)
	return nil
}

// place scales an input (metric) point about the outline's centroid.
func (b *build) place(p orb.Point) orb.Point {
	return orb.Point{b.centre[0] + (p[0]-b.centre[0])*b.lin, b.centre[1] + (p[1]-b.centre[1])*b.lin}
}

// lonlat places a WGS84 point in the scaled metric district.
func (b *build) lonlat(p orb.Point) orb.Point { return b.place(b.toM.apply(p)) }

// fitProjection fits lon/lat → metric from the pairs of points known both
// ways: the outline's vertices when the input outline is Erqi's, projected
// vertex for vertex, else the division seats, else the two bounding boxes.
func (b *build) fitProjection() affine {
	ll, divs, err := Erqi()
	if err != nil {
		return affine{}
	}
	if len(ll[0]) == len(b.in.Outline[0]) {
		if a, ok := fitAffine(ll[0], b.in.Outline[0]); ok {
			return a
		}
	}
	seat := map[string]orb.Point{}
	for _, d := range divs {
		if d.HasPoint {
			seat[d.Code] = d.Point
		}
	}
	var src, dst []orb.Point
	for _, d := range b.in.Divisions {
		if p, ok := seat[d.Code]; ok && d.HasPoint {
			src, dst = append(src, p), append(dst, d.Point)
		}
	}
	if a, ok := fitAffine(src, dst); ok {
		return a
	}
	lb, mb := ll.Bound(), b.in.Outline.Bound()
	corners := func(bd orb.Bound) []orb.Point {
		return []orb.Point{bd.Min, {bd.Max[0], bd.Min[1]}, bd.Max, {bd.Min[0], bd.Max[1]}}
	}
	a, _ := fitAffine(corners(lb), corners(mb))
	return a
}

// divisions plans the streets and communities and records the seats of the
// real streets, which anchor the density field at every scale.
func (b *build) divisions() error {
	var err error
	b.streets, b.seats, err = planDivisions(b.in.Divisions, b.opts.Scale, b.place, b.lonlat, b.rng(stageNames))
	return err
}
