package main

import (
	"image"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/vector"
)

// rasterize fills a glyph's outline into a w×h coverage image whose
// origin is at (ox, oy) in the glyph's pixel coordinates.
func rasterize(segs sfnt.Segments, ox, oy, w, h int) *image.Alpha {
	r := vector.NewRasterizer(w, h)
	at := func(p [3]struct{ X, Y int32 }, i int) (float32, float32) {
		return float32(p[i].X)/64 - float32(ox), float32(p[i].Y)/64 - float32(oy)
	}
	for _, s := range segs {
		var args [3]struct{ X, Y int32 }
		for i := range s.Args {
			args[i].X, args[i].Y = int32(s.Args[i].X), int32(s.Args[i].Y)
		}
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			x, y := at(args, 0)
			r.MoveTo(x, y)
		case sfnt.SegmentOpLineTo:
			x, y := at(args, 0)
			r.LineTo(x, y)
		case sfnt.SegmentOpQuadTo:
			x1, y1 := at(args, 0)
			x, y := at(args, 1)
			r.QuadTo(x1, y1, x, y)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := at(args, 0)
			x2, y2 := at(args, 1)
			x, y := at(args, 2)
			r.CubeTo(x1, y1, x2, y2, x, y)
		}
	}
	r.ClosePath()
	dst := image.NewAlpha(image.Rect(0, 0, w, h))
	r.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	return dst
}

// distanceField turns coverage into MapLibre's signed distances: 191 on
// the outline, rising inside, falling outside, radius px to either end.
// Distances are exact Euclidean ones on the pixel grid (Felzenszwalb and
// Huttenlocher's transform), with the coverage of edge pixels placing the
// outline within them.
// far stands for "no outline pixel on this line".
const far = 1e20

func distanceField(a *image.Alpha, w, h int) []byte {
	outer := make([]float64, w*h)
	inner := make([]float64, w*h)
	for i := range outer {
		v := float64(a.Pix[i]) / 255
		switch {
		case v >= 1:
			outer[i], inner[i] = 0, far
		case v <= 0:
			outer[i], inner[i] = far, 0
		default:
			d := 0.5 - v
			outer[i], inner[i] = math.Max(0, d)*math.Max(0, d), math.Max(0, -d)*math.Max(0, -d)
		}
	}
	edt(outer, w, h)
	edt(inner, w, h)
	out := make([]byte, w*h)
	for i := range out {
		d := math.Sqrt(outer[i]) - math.Sqrt(inner[i])
		v := math.Round(255 - 255*(d/radius+cutoff))
		out[i] = byte(math.Max(0, math.Min(255, v)))
	}
	return out
}

// edt replaces squared distances to the nearest zero by exact ones, in
// place: a 1-D pass along columns, then along rows.
func edt(grid []float64, w, h int) {
	n := max(w, h)
	f, d := make([]float64, n), make([]float64, n)
	v, z := make([]int, n), make([]float64, n+1)
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			f[y] = grid[y*w+x]
		}
		edt1(f[:h], d[:h], v, z)
		for y := 0; y < h; y++ {
			grid[y*w+x] = d[y]
		}
	}
	for y := 0; y < h; y++ {
		copy(f[:w], grid[y*w:(y+1)*w])
		edt1(f[:w], d[:w], v, z)
		copy(grid[y*w:(y+1)*w], d[:w])
	}
}

// edt1 is the lower envelope of parabolas over one line of samples f
// (far is a large finite number, so no infinity minus infinity).
func edt1(f, d []float64, v []int, z []float64) {
	meet := func(q, r int) float64 {
		return (f[q] + float64(q*q) - f[r] - float64(r*r)) / float64(2*(q-r))
	}
	k := 0
	v[0] = 0
	z[0], z[1] = math.Inf(-1), math.Inf(1)
	for q := 1; q < len(f); q++ {
		s := meet(q, v[k])
		for s <= z[k] {
			k--
			s = meet(q, v[k])
		}
		k++
		v[k], z[k], z[k+1] = q, s, math.Inf(1)
	}
	k = 0
	for q := range f {
		for z[k+1] < float64(q) {
			k++
		}
		r := v[k]
		d[q] = f[r] + float64((q-r)*(q-r))
	}
}
