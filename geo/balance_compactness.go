package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// PolsbyPopper is the Polsby–Popper compactness of mp, 4πA/P²: 1 for a
// disc, π/4 for a square, near 0 for a sliver or a snake. Holes take from
// the area and add to the perimeter. The ratio is unit-free, but the shape
// must be in a projected CRS: in degrees it is distorted by latitude. An
// empty shape gives 0.
func PolsbyPopper(mp orb.MultiPolygon) float64 {
	p := planar.Length(mp)
	if !(p > 0) {
		return 0
	}
	return 4 * math.Pi * planar.Area(mp) / (p * p)
}
