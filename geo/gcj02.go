package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// GCJ-02 ("Mars coordinates") is the obfuscated datum that Chinese web
// basemaps (Gaode/AMap, Tencent) are drawn in: WGS84 shifted by a published,
// smooth offset of a few hundred metres. Unlike the rest of this package it
// works in degrees, because the offset is defined on longitude and latitude.
//
// The formulas and constants are the widely published ones (also used by
// eviltransform and coordtransform); they are a pure function of the point.
const (
	gcjSemiMajor = 6378245.0              // Krasovsky 1940, as the published formula has it
	gcjEcc2      = 0.00669342162296594323 // its first eccentricity squared
)

// InChina reports whether a WGS84 point lies in the rectangle where GCJ-02
// applies; outside it the published conversion leaves points unchanged.
func InChina(p orb.Point) bool {
	return p[0] >= 72.004 && p[0] <= 137.8347 && p[1] >= 0.8293 && p[1] <= 55.8271
}

// WGS84ToGCJ02 converts a longitude/latitude point from WGS84 (or CGCS2000,
// the same to within centimetres) to GCJ-02. Points outside China are
// returned unchanged.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if !InChina(p) {
		return p
	}
	dLon, dLat := gcjOffset(p[0], p[1])
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration to well under
// a millimetre (the offset varies slowly, so a few rounds converge).
func GCJ02ToWGS84(p orb.Point) orb.Point {
	if !InChina(p) {
		return p
	}
	w := p
	for range 10 {
		g := WGS84ToGCJ02(w)
		dx, dy := p[0]-g[0], p[1]-g[1]
		w = orb.Point{w[0] + dx, w[1] + dy}
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
	}
	return w
}

// gcjOffset is the published offset in degrees at a WGS84 point.
func gcjOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105, lat-35
	dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	common := (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLat += common + (20*math.Sin(y*math.Pi)+40*math.Sin(y/3*math.Pi))*2/3 +
		(160*math.Sin(y/12*math.Pi)+320*math.Sin(y*math.Pi/30))*2/3
	dLon += common + (20*math.Sin(x*math.Pi)+40*math.Sin(x/3*math.Pi))*2/3 +
		(150*math.Sin(x/12*math.Pi)+300*math.Sin(x/30*math.Pi))*2/3

	rad := lat / 180 * math.Pi
	magic := 1 - gcjEcc2*math.Sin(rad)*math.Sin(rad)
	sqrtMagic := math.Sqrt(magic)
	dLat = dLat * 180 / ((gcjSemiMajor * (1 - gcjEcc2)) / (magic * sqrtMagic) * math.Pi)
	dLon = dLon * 180 / (gcjSemiMajor / sqrtMagic * math.Cos(rad) * math.Pi)
	return dLon, dLat
}

// ToGCJ02 returns a copy of g with every point converted from WGS84 to
// GCJ-02; g itself is not changed.
func ToGCJ02(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	// orb/project converts in place, hence the clone.
	return project.Geometry(orb.Clone(g), WGS84ToGCJ02)
}
