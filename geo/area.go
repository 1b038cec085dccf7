package geo

import "github.com/paulmach/orb"

// SignedArea is a closed ring's shoelace area: positive when the ring runs
// counter-clockwise with y up (clockwise with y down, as in tile
// coordinates), negative the other way.
func SignedArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
