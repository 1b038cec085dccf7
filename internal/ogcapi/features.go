package ogcapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// Feature turns a value of a layer into its GeoJSON feature.
func Feature(v any) *geojson.Feature {
	switch v := v.(type) {
	case domain.Grid:
		return geojsonio.GridFeature(v)
	case domain.Unit:
		return geojsonio.UnitFeature(v)
	case domain.Facility:
		return geojsonio.FacilityFeature(v)
	case domain.Finding:
		return geojsonio.FindingFeature(v)
	}
	panic(fmt.Sprintf("ogcapi: no feature for %T", v))
}

func featureID(v any) int64 {
	switch v := v.(type) {
	case domain.Grid:
		return v.ID
	case domain.Unit:
		return v.ID
	case domain.Facility:
		return v.ID
	case domain.Finding:
		return v.ID
	}
	return 0
}

// item answers /collections/{collectionId}/items/{featureId}.
func (s *Service) item(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathParam(r, "collectionId")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := negotiate(r, []string{"datum"}, formatGeoJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	gcj02, err := parseDatum(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, st, err := Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := strconv.ParseInt(chi.URLParam(r, "featureId"), 10, 64)
	if err != nil || fid < 1 {
		s.fail(w, r, domain.Errorf(domain.ErrNotFound, "no feature %q in collection %q: feature ids are positive integers", chi.URLParam(r, "featureId"), id))
		return
	}
	// A draft's grids, which Part 4 edits, carry a strong ETag: the grid's
	// own version, what If-Match sends back. Elsewhere the plan's stamp.
	strong := s.editable(r) && c.Layer == store.LayerGrids
	if !strong && NotModified(w, r, ETag(st, r, format.name)) {
		return
	}
	var f *geojson.Feature
	var version int64
	err = s.db.Features().Each(r.Context(), store.FeatureQuery{PlanID: st.PlanID, Workspace: st.Workspace, Layer: c.Layer, Level: c.Level, ID: fid},
		func(v any) error {
			f = Feature(v)
			if g, ok := v.(domain.Grid); ok {
				version = g.Version
			}
			return nil
		})
	if err == nil && f == nil {
		err = domain.Errorf(domain.ErrNotFound, "no feature %d in collection %q", fid, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if strong && NotModified(w, r, featureETag(version, format.name, gcj02)) {
		return
	}
	if gcj02 && f.Geometry != nil {
		f.Geometry = geo.ToGCJ02(f.Geometry)
	}
	base := BaseURL(r)
	self := base + "/collections/" + id + "/items/" + strconv.FormatInt(fid, 10)
	f.ExtraMembers = geojson.Properties{"links": []link{
		{Href: self, Rel: "self", Type: "application/geo+json", Title: "This feature"},
		{Href: self + "?f=html", Rel: "alternate", Type: "text/html", Title: "This feature as HTML"},
		{Href: base + "/collections/" + id, Rel: "collection", Type: "application/json", Title: "The collection"},
	}}
	if format.name == "html" {
		w.Header().Set("Content-Type", format.mediaType)
		if r.Method == http.MethodHead {
			return
		}
		data := map[string]any{"Title": fmt.Sprintf("%s: feature %d", id, fid), "JSON": jsonURL(r), "Base": pathPrefix(r.Context())}
		s.htmlRows(w, data, []*geojson.Feature{f}, base, c, len([]int{1}), 1, "")
		return
	}
	w.Header().Set("Content-Type", format.mediaType)
	if r.Method == http.MethodHead {
		return
	}
	b, err := f.MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Write(b)
}

// featureETag is a draft grid's strong ETag: its version for the GeoJSON
// in CRS84, with a suffix for other representations of it.
func featureETag(version int64, format string, gcj02 bool) string {
	tag := VersionETag(version)
	if format != "json" {
		tag = tag[:len(tag)-1] + "-" + format + `"`
	}
	if gcj02 {
		tag = tag[:len(tag)-1] + "-gcj02" + `"`
	}
	return tag
}

// htmlRow is one feature in the HTML table.
type htmlRow struct {
	ID       any
	Href     string
	Props    []htmlProp
	Geometry string
}

type htmlProp struct {
	Key   string
	Value any
}

func rowOf(f *geojson.Feature, base string, c CollectionID) htmlRow {
	row := htmlRow{ID: f.ID, Href: fmt.Sprintf("%s/collections/%s/items/%v?f=html", base, c, f.ID)}
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		row.Props = append(row.Props, htmlProp{k, f.Properties[k]})
	}
	row.Geometry = "none"
	if f.Geometry != nil {
		row.Geometry = fmt.Sprintf("%s, %d points", f.Geometry.GeoJSONType(), geo.NumPoints(f.Geometry))
	}
	return row
}

// htmlRows writes a whole small table (one feature's page).
func (s *Service) htmlRows(w http.ResponseWriter, data map[string]any, fs []*geojson.Feature, base string, c CollectionID, returned, matched int, next string) {
	if err := pages.ExecuteTemplate(w, "items-head", data); err != nil {
		s.log.Warn("write html", "err", err)
		return
	}
	for _, f := range fs {
		pages.ExecuteTemplate(w, "item-row", rowOf(f, base, c))
	}
	pages.ExecuteTemplate(w, "items-foot", map[string]any{"Returned": returned, "Matched": matched, "Next": next})
}

// writeHTML streams a page of features as an HTML table, row by row.
func (s *Service) writeHTML(ctx context.Context, fs *store.Features, pg page) error {
	title := pg.coll.String()
	data := map[string]any{"Title": title, "JSON": pg.base + "/collections/" + title + "/items?" + urlValues(pg.query, "json", pg.query.After),
		"Base": pathPrefix(ctx)}
	if err := pages.ExecuteTemplate(pg.out, "items-head", data); err != nil {
		return err
	}
	n := 0
	last, more, err := eachOfPage(ctx, fs, pg.query, func(f *geojson.Feature) error {
		n++
		return pages.ExecuteTemplate(pg.out, "item-row", rowOf(f, pg.base, pg.coll))
	})
	if err != nil {
		return err
	}
	total, err := matched(ctx, fs, pg.query, n, more)
	if err != nil {
		return err
	}
	next := ""
	for _, l := range pageLinks(pg, last, more) {
		if l.Rel == "next" {
			next = l.Href
		}
	}
	return pages.ExecuteTemplate(pg.out, "items-foot", map[string]any{"Returned": n, "Matched": total, "Next": next})
}
