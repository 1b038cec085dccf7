package tiles

import (
	"encoding/json"
	"math"
	"net/http"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/paulmach/orb"
)

// tileGeometry cleans a geometry in integer tile coordinates: repeated
// points go, rings that rounded away go, and rings are wound as MVT wants
// (exterior rings positive by the surveyor's formula with y down).
func tileGeometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		p := tilePolygon(g)
		if p == nil {
			return nil
		}
		return p
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for _, p := range g {
			if q := tilePolygon(p); q != nil {
				out = append(out, q)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case orb.Collection:
		return nil // findings without a single type; MVT has no collections
	}
	return g
}

func tilePolygon(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		var c orb.Ring
		for _, pt := range r {
			if len(c) == 0 || c[len(c)-1] != pt {
				c = append(c, pt)
			}
		}
		if len(c) > 0 && c[0] != c[len(c)-1] {
			c = append(c, c[0])
		}
		a := geo.SignedArea(c)
		if len(c) < 4 || a == 0 {
			if i == 0 {
				return nil
			}
			continue
		}
		if (i == 0) != (a > 0) {
			c.Reverse()
		}
		out = append(out, c)
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// fields lists a layer's attribute names for TileJSON.
func fields(l store.Layer, z int) map[string]string {
	out := map[string]string{}
	for _, k := range overviewProps[l] {
		out[k] = "styling (every zoom)"
	}
	switch l {
	case store.LayerGrids:
		for _, k := range []string{"code", "name", "parent", "persons", "households"} {
			out[k] = "from z13"
		}
	case store.LayerUnits:
		out["name"], out["households"] = "from z13", "from z13"
	case store.LayerFacilities:
		out["name"] = "from z13"
	case store.LayerFindings:
		out["check"], out["reason"], out["area_m2"] = "from z13", "from z13", "from z13"
	}
	return out
}

// overviewValue rounds the deviation to a whole percent in overview tiles:
// colour classes are far coarser, and repeated values keep MVT's value
// table, and so the tile, small.
func overviewValue(k string, v any) any {
	if f, ok := v.(float64); ok && k == "deviation_pct" {
		return math.Round(f)
	}
	return v
}
