package geojsonio

import (
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
)

// FindingFeature returns an audit finding as a feature for maps and GIS
// tools: check, kind, severity, level and parent (null when none), grids,
// area_m2, width_m (null when 0), reason. The geometry is the finding's
// place in WGS84, null when it has none.
func FindingFeature(f domain.Finding) *geojson.Feature {
	ft := newFeature(f.ID, f.Geometry, nil, 9)
	p := ft.Properties
	p["check"] = f.Check
	p["kind"] = f.Kind
	p["severity"] = f.Severity
	p["level"] = nil
	if f.Level > 0 {
		p["level"] = f.Level
	}
	p["parent"] = nullIfEmpty(f.Parent)
	grids := f.Grids
	if grids == nil {
		grids = []string{}
	}
	p["grids"] = grids
	p["area_m2"] = f.AreaM2
	p["width_m"] = nil
	if f.WidthM > 0 {
		p["width_m"] = f.WidthM
	}
	p["reason"] = f.Reason
	return ft
}
