package tiles

import (
	"context"
	"fmt"
	"math"
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

// layerKey names one collection of one view in one datum. A layer is kept
// per key and brought up to date in place as the data changes (refresh),
// so one edit rebuilds only what it touched.
type layerKey struct {
	ws    int64
	coll  string
	gcj02 bool
}

// stamp is a state of a layer's data: the view's Version and
// AuditVersion, each only ever growing.
type stamp [2]int64

func stampOf(st store.Stamp) stamp { return stamp{st.Version, st.AuditVersion} }

// after reports whether s is a later state than t.
func (s stamp) after(t stamp) bool { return s[0] > t[0] || s[1] > t[1] }

// layer is one collection in Web Mercator, with its simplified geometry
// per zoom built on first use. Features removed by a refresh stay as
// tombstones (nil geom) until the layer is read afresh.
type layer struct {
	key   layerKey
	kind  store.Layer
	level int
	name  string

	mu     sync.RWMutex // refresh writes; tiles read
	at     stamp        // the data the layer holds
	base   stamp        // what a tile no dirty region touches is at
	feats  []tileFeature
	byID   map[int64]int
	grids  map[int64]store.GridStamp // grid layers: each grid as read
	dirty  []dirtyRegion
	zoomMu sync.Mutex // guards the zooms map itself
	zooms  map[int]*zoomGeoms
}

// dirtyRegion is ground whose tiles changed at a stamp (Web Mercator).
type dirtyRegion struct {
	bound orb.Bound
	at    stamp
}

// maxDirty bounds the regions kept; past it the layer's base moves to its
// current stamp and every tile is made again once.
const maxDirty = 256

type tileFeature struct {
	id       int64
	geom     orb.Geometry // nil: removed
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

// layer returns the collection's layer at st or later: read on first use,
// brought up to date when the data moved on since (only the grids that
// changed are read again). Loads of one key are shared.
func (s *Service) layer(ctx context.Context, c ogcapi.CollectionID, st store.Stamp, gcj02 bool) (*layer, error) {
	key := layerKey{st.Workspace, c.String(), gcj02}
	l, ok := s.layers.Get(key)
	if !ok {
		v, err, _ := s.loading.Do(fmt.Sprint(key), func() (any, error) {
			if l, ok := s.layers.Get(key); ok {
				return l, nil
			}
			l := &layer{key: key, kind: c.Layer, level: c.Level, name: c.String(), zooms: map[int]*zoomGeoms{}}
			if err := l.reload(context.WithoutCancel(ctx), s.db, st.PlanID); err != nil {
				return nil, err
			}
			s.layers.Put(key, l)
			return l, nil
		})
		if err != nil {
			return nil, err
		}
		l = v.(*layer)
	}
	if stampOf(st).after(l.current()) {
		if err := l.refresh(ctx, s.db, st.PlanID); err != nil {
			return nil, err
		}
		s.layers.Account(key)
	}
	return l, nil
}

func (l *layer) current() stamp {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.at
}

// feature is a value of the layer as a tile feature, in Web Mercator.
func (l *layer) feature(v any) (tileFeature, bool) {
	f := ogcapi.Feature(v)
	if f.Geometry == nil {
		return tileFeature{}, false
	}
	g := f.Geometry
	if l.key.gcj02 {
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
	for _, k := range overviewProps[l.kind] {
		if v, ok := tf.props[k]; ok {
			tf.overview[k] = overviewValue(k, v)
		}
	}
	return tf, true
}

// size is about how many bytes the layer holds, for the cache's budget:
// its coordinates, once per zoom simplified, and the properties.
func (l *layer) size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	l.zoomMu.Lock()
	zooms := int64(len(l.zooms))
	l.zoomMu.Unlock()
	var n int64
	for _, f := range l.feats {
		if f.geom != nil {
			n += int64(geo.NumPoints(f.geom))*16*(1+zooms) + 400
		}
	}
	return n
}

// geoms returns the layer's geometry simplified for zoom z: polygons
// together, so shared boundaries stay shared.
// The caller holds l.mu (read or write).
func (l *layer) geoms(z int) []orb.Geometry {
	l.zoomMu.Lock()
	zg, ok := l.zooms[z]
	if !ok {
		zg = &zoomGeoms{}
		l.zooms[z] = zg
	}
	l.zoomMu.Unlock()
	zg.once.Do(func() {
		zg.geoms = make([]orb.Geometry, len(l.feats))
		all := make([]int, len(l.feats))
		for i := range all {
			all[i] = i
		}
		l.simplify(z, zg, all, all)
	})
	return zg.geoms
}

// simplify sets, for zoom z, the simplified shape of the features at
// indexes keep, simplifying the polygons at indexes among (a superset of
// keep) together so that shared boundaries stay shared.
func (l *layer) simplify(z int, zg *zoomGeoms, among, keep []int) {
	var polys []orb.MultiPolygon
	var at []int
	for _, i := range among {
		switch g := l.feats[i].geom.(type) {
		case orb.MultiPolygon:
			polys, at = append(polys, g), append(at, i)
		case orb.Polygon:
			polys, at = append(polys, orb.MultiPolygon{g}), append(at, i)
		}
	}
	for _, i := range keep {
		zg.geoms[i] = l.feats[i].geom
	}
	if z > MaxZoom || len(polys) == 0 {
		return // below a pixel's tenth: nothing to gain
	}
	kept := make(map[int]bool, len(keep))
	for _, i := range keep {
		kept[i] = true
	}
	tol := simplifyPixels * tileSpan(z) / 512
	for k, mp := range geo.SimplifyShared(polys, tol) {
		if kept[at[k]] {
			zg.geoms[at[k]] = mp
		}
	}
}

// tileSpan is a tile's width in Web Mercator metres at zoom z.
func tileSpan(z int) float64 { return 2 * worldHalf / float64(uint64(1)<<z) }

// tileBox is tile z/x/y's ground in Web Mercator, padded by margin tile
// units.
func tileBox(z, x, y int, margin float64) orb.Bound {
	span := tileSpan(z)
	minX, maxY := -worldHalf+float64(x)*span, worldHalf-float64(y)*span
	pad := span * margin / extent
	return orb.Bound{Min: orb.Point{minX - pad, maxY - span - pad}, Max: orb.Point{minX + span + pad, maxY + pad}}
}

// tileStamp is the state tile z/x/y shows: that of the latest change in
// reach of it, else the layer's base. The caller holds l.mu.
func (l *layer) tileStamp(z, x, y int) stamp {
	box := tileBox(z, x, y, buffer)
	at := l.base
	for _, d := range l.dirty {
		if d.at.after(at) && d.bound.Intersects(box) {
			at = d.at
		}
	}
	return at
}

// tile encodes one tile; nil when nothing is in it. The caller holds l.mu.
func (l *layer) tile(z, x, y int) ([]byte, error) {
	span := tileSpan(z)
	minX, maxY := -worldHalf+float64(x)*span, worldHalf-float64(y)*span
	box, window := tileBox(z, x, y, buffer), tileBox(z, x, y, clipMargin)
	toTile := func(p orb.Point) orb.Point {
		return orb.Point{math.Round((p[0] - minX) / span * extent), math.Round((maxY - p[1]) / span * extent)}
	}
	geoms := l.geoms(z)
	var feats []*geojson.Feature
	for i, f := range l.feats {
		if f.geom == nil || !f.bound.Intersects(box) {
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
