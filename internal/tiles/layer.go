package tiles

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/project"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/ogcapi"
	"github.com/gridplan/gridplan/internal/store"
)

const (
	extent = 4096
	// buffer is the margin around a tile, in tile units, within which a
	// feature belongs to the tile, so that lines along its edge join up.
	buffer = 64
	// clipMargin is how far beyond the tile, in tile units, geometry is cut.
	// Cutting a polygon leaves edges along the cut (and, where it leaves and
	// re-enters, rings that touch themselves there); MapLibre draws such
	// edges as seams across the map when they lie near the tile. One tile's
	// width keeps every cut far from what the tile shows while coordinates
	// stay within the range MapLibre accepts (±2 tiles).
	clipMargin = extent
	// simplifyPixels is the tolerance in pixels of a 512-pixel tile (8
	// tile units): below what a screen shows.
	simplifyPixels = 2.0
	// worldHalf is half the Web Mercator world's width, in metres.
	worldHalf = math.Pi * 6378137
)

// layerKey names one collection at one data stamp and datum.
type layerKey struct {
	ws, version, audit int64
	coll               string
	gcj02              bool
}

// layer is one collection in Web Mercator, with its simplified geometry
// per zoom built on first use.
type layer struct {
	name  string
	once  sync.Once
	err   error
	feats []tileFeature
	mu    sync.Mutex
	zooms map[int]*zoomGeoms
}

type tileFeature struct {
	id       int64
	geom     orb.Geometry
	bound    orb.Bound
	props    geojson.Properties // every scalar property
	overview geojson.Properties // what styling needs
}

type zoomGeoms struct {
	once  sync.Once
	geoms []orb.Geometry
}

// overviewProps are the properties overview tiles keep, by layer: what the
// map styles by at every zoom (the balance choropleth colours grids by
// deviation_pct and outlines them by band).
var overviewProps = map[store.Layer][]string{
	store.LayerGrids:      {"kind", "category", "mode", "deviation_pct", "band"},
	store.LayerUnits:      {"persons"},
	store.LayerFacilities: {"type"},
	store.LayerFindings:   {"kind", "severity"},
}

// layer returns the layer for a collection, loading it on first use. Old
// layers (other versions) age out after s.max newer ones.
func (s *Service) layer(ctx context.Context, c ogcapi.CollectionID, st store.Stamp, gcj02 bool) (*layer, error) {
	key := layerKey{st.Workspace, st.Version, st.AuditVersion, c.String(), gcj02}
	s.mu.Lock()
	l, ok := s.layers[key]
	if !ok {
		l = &layer{name: c.String(), zooms: map[int]*zoomGeoms{}}
		s.layers[key] = l
		s.order = append(s.order, key)
		for len(s.order) > s.max {
			delete(s.layers, s.order[0])
			s.order = s.order[1:]
		}
	}
	s.mu.Unlock()
	l.once.Do(func() { l.err = l.load(ctx, s.db, c, st, gcj02) })
	if l.err != nil {
		s.mu.Lock()
		if s.layers[key] == l {
			delete(s.layers, key) // let the next request try again
		}
		s.mu.Unlock()
	}
	return l, l.err
}

func (l *layer) load(ctx context.Context, db *store.DB, c ogcapi.CollectionID, st store.Stamp, gcj02 bool) error {
	keep := overviewProps[c.Layer]
	q := store.FeatureQuery{PlanID: st.PlanID, Workspace: st.Workspace, Layer: c.Layer, Level: c.Level}
	return db.Features().Each(ctx, q, func(v any) error {
		f := ogcapi.Feature(v)
		if f.Geometry == nil {
			return nil
		}
		g := f.Geometry
		if gcj02 {
			g = geo.ToGCJ02(g)
		} else {
			g = orb.Clone(g)
		}
		g = project.Geometry(g, project.WGS84.ToMercator)
		tf := tileFeature{geom: g, bound: g.Bound(), props: geojson.Properties{}, overview: geojson.Properties{}}
		tf.id, _ = f.ID.(int64)
		for k, v := range f.Properties {
			switch v.(type) {
			case string, int, int64, float64, bool:
				tf.props[k] = v
			}
		}
		for _, k := range keep {
			if v, ok := tf.props[k]; ok {
				tf.overview[k] = overviewValue(k, v)
			}
		}
		l.feats = append(l.feats, tf)
		return nil
	})
}

// geoms returns the layer's geometry simplified for zoom z: polygons
// together, so shared boundaries stay shared.
func (l *layer) geoms(z int) []orb.Geometry {
	l.mu.Lock()
	zg, ok := l.zooms[z]
	if !ok {
		zg = &zoomGeoms{}
		l.zooms[z] = zg
	}
	l.mu.Unlock()
	zg.once.Do(func() {
		zg.geoms = make([]orb.Geometry, len(l.feats))
		var polys []orb.MultiPolygon
		var at []int
		for i, f := range l.feats {
			zg.geoms[i] = f.geom
			switch g := f.geom.(type) {
			case orb.MultiPolygon:
				polys, at = append(polys, g), append(at, i)
			case orb.Polygon:
				polys, at = append(polys, orb.MultiPolygon{g}), append(at, i)
			}
		}
		if z > MaxZoom || len(polys) == 0 {
			return // below a pixel's tenth: nothing to gain
		}
		tol := simplifyPixels * tileSpan(z) / 512
		for k, mp := range geo.SimplifyShared(polys, tol) {
			zg.geoms[at[k]] = mp
		}
	})
	return zg.geoms
}

// tileSpan is a tile's width in Web Mercator metres at zoom z.
func tileSpan(z int) float64 { return 2 * worldHalf / float64(uint64(1)<<z) }

// tile encodes one tile; nil when nothing is in it.
func (l *layer) tile(z, x, y int) ([]byte, error) {
	span := tileSpan(z)
	minX, maxY := -worldHalf+float64(x)*span, worldHalf-float64(y)*span
	around := func(margin float64) orb.Bound {
		pad := span * margin / extent
		return orb.Bound{Min: orb.Point{minX - pad, maxY - span - pad}, Max: orb.Point{minX + span + pad, maxY + pad}}
	}
	box, window := around(buffer), around(clipMargin)
	toTile := func(p orb.Point) orb.Point {
		return orb.Point{math.Round((p[0] - minX) / span * extent), math.Round((maxY - p[1]) / span * extent)}
	}
	geoms := l.geoms(z)
	var feats []*geojson.Feature
	for i, f := range l.feats {
		if !f.bound.Intersects(box) {
			continue
		}
		g := geoms[i]
		if !window.Contains(f.bound.Min) || !window.Contains(f.bound.Max) {
			if g = clip.Geometry(window, g); g == nil {
				continue
			}
		}
		if g = tileGeometry(project.Geometry(orb.Clone(g), toTile)); g == nil {
			continue
		}
		props := f.props
		if z <= OverviewZoom {
			props = f.overview
		}
		feats = append(feats, &geojson.Feature{ID: f.id, Geometry: g, Properties: props})
	}
	if len(feats) == 0 {
		return nil, nil
	}
	return mvt.Marshal(mvt.Layers{{Name: l.name, Version: 2, Extent: extent, Features: feats}})
}

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
