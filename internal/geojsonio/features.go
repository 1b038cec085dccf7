package geojsonio

import (
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// GridFeature returns a grid as a feature with the property names
// ReadGrids reads by default: code, name, level, parent (null for a top-level
// grid), kind, category, mode (null for a base grid), then the free
// properties; the named ones win on clashes. The id is the grid's ID, left
// out when 0 (a grid not stored yet). Computed statistics, when the grid
// has them, follow as persons, households, deviation_pct and band; imports
// ignore them, since they are outputs.
func GridFeature(g domain.Grid) *geojson.Feature {
	var geom orb.Geometry
	if len(g.Geometry) > 0 { // a nil MultiPolygon would encode as coordinates null
		geom = g.Geometry
	}
	f := newFeature(g.ID, geom, g.Properties, 9)
	p := f.Properties
	p["code"] = g.Code
	p["name"] = g.Name
	p["level"] = g.Level
	p["parent"] = nullIfEmpty(g.Parent)
	p["kind"] = string(g.Kind)
	p["category"] = g.Category
	p["mode"] = nullIfEmpty(string(g.Mode))
	if st := g.Stats; st != nil {
		p["persons"] = st.Persons
		p["households"] = st.Households
		p["deviation_pct"] = st.DeviationPct
		p["band"] = nullIfEmpty(st.Band)
	}
	return f
}

// UnitFeature returns a population unit as a feature: name, persons,
// households, then the free properties.
func UnitFeature(u domain.Unit) *geojson.Feature {
	f := newFeature(u.ID, u.Geometry, u.Properties, 3)
	f.Properties["name"] = u.Name
	f.Properties["persons"] = u.Persons
	f.Properties["households"] = u.Households
	return f
}

// FacilityFeature returns a facility as a feature: type, name, then the free
// properties.
func FacilityFeature(fa domain.Facility) *geojson.Feature {
	f := newFeature(fa.ID, fa.Geometry, fa.Properties, 2)
	f.Properties["type"] = fa.Type
	f.Properties["name"] = fa.Name
	return f
}

// newFeature starts a feature with a copy of the free properties (the
// domain value's map is not changed) and room for the named ones.
func newFeature(id int64, geom orb.Geometry, free map[string]any, named int) *geojson.Feature {
	f := &geojson.Feature{Type: "Feature", Geometry: geom, Properties: make(geojson.Properties, len(free)+named)}
	if id != 0 {
		f.ID = id
	}
	for k, v := range free {
		f.Properties[k] = v
	}
	return f
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
