package coverage

import (
	"github.com/paulmach/orb"
	owkt "github.com/paulmach/orb/encoding/wkt"
)

func wkt(g orb.Geometry) string { return owkt.MarshalString(g) }
