package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// affine maps WGS84 lon/lat to the caller's metric CRS. Generate receives
// only projected data, yet needs a few fixed places (二七广场, the industrial
// park, seats of streets the CSV has no point for); fitting an affine map to
// the pairs of points it has both ways (outline vertices, division seats)
// places them within metres over a district this size.
type affine struct {
	lon0, lat0 float64 // centre of the fit, to keep the normal equations well conditioned
	x, y       [3]float64
}

func (a affine) apply(p orb.Point) orb.Point {
	u, v := p[0]-a.lon0, p[1]-a.lat0
	return orb.Point{a.x[0] + a.x[1]*u + a.x[2]*v, a.y[0] + a.y[1]*u + a.y[2]*v}
}

// fitAffine fits dst ≈ A(src) by least squares; ok is false with fewer than
// three independent pairs.
func fitAffine(src, dst []orb.Point) (a affine, ok bool) {
	if len(src) < 3 || len(src) != len(dst) {
		return a, false
	}
	for _, p := range src {
		a.lon0 += p[0] / float64(len(src))
		a.lat0 += p[1] / float64(len(src))
	}
	var m [3][3]float64
	var bx, by [3]float64
	for i, p := range src {
		r := [3]float64{1, p[0] - a.lon0, p[1] - a.lat0}
		for j := range 3 {
			for k := range 3 {
				m[j][k] += r[j] * r[k]
			}
			bx[j] += r[j] * dst[i][0]
			by[j] += r[j] * dst[i][1]
		}
	}
	var okx, oky bool
	a.x, okx = solve3(m, bx)
	a.y, oky = solve3(m, by)
	return a, okx && oky
}

// solve3 solves m·x = b by Cramer's rule.
func solve3(m [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(m)
	scale := math.Abs(m[0][0] * m[1][1] * m[2][2])
	if d == 0 || math.Abs(d) < 1e-12*scale {
		return [3]float64{}, false
	}
	var x [3]float64
	for c := range 3 {
		mc := m
		for r := range 3 {
			mc[r][c] = b[r]
		}
		x[c] = det(mc) / d
	}
	return x, true
}
