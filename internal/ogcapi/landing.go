package ogcapi

import (
	"encoding/json"
	"net/http"
	"slices"
)

// The conformance classes this service implements.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

// editingConformance are the classes of Part 4 (1.0.0-draft.2), declared
// only on a draft's landing page, the one place that takes edits.
var editingConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

const openAPIType = "application/vnd.oai.openapi+json;version=3.0"

// landing is the root: links to the API definition, the conformance
// declaration, the collections, and (for people) the web map.
func (s *Service) landing(w http.ResponseWriter, r *http.Request) {
	format, err := negotiate(r, nil, formatJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := BaseURL(r)
	links := []link{
		{Href: base + "/", Rel: "self", Type: "application/json", Title: "This document"},
		{Href: base + "/?f=html", Rel: "alternate", Type: "text/html", Title: "This document as HTML"},
		{Href: base + "/api", Rel: "service-desc", Type: openAPIType, Title: "The API definition (OpenAPI 3.0)"},
		{Href: base + "/conformance", Rel: "conformance", Type: "application/json", Title: "Conformance classes"},
		{Href: base + "/collections", Rel: "data", Type: "application/json", Title: "Collections"},
		{Href: base + "/map/", Rel: "related", Type: "text/html", Title: "Web map"},
	}
	doc := map[string]any{
		"title":       "gridplan",
		"description": "Governance grids (street, community, grid, micro-grid and special grids), population units, facilities and audit findings as OGC API - Features and vector tiles.",
		"links":       links,
	}
	s.respond(w, r, format, doc, "landing.html", map[string]any{"Title": "gridplan", "Links": links})
}

func (s *Service) conformance(w http.ResponseWriter, r *http.Request) {
	format, err := negotiate(r, nil, formatJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	classes := conformsTo
	if s.editable(r) {
		classes = append(slices.Clone(conformsTo), editingConformance...)
	}
	s.respond(w, r, format, map[string]any{"conformsTo": classes}, "conformance.html",
		map[string]any{"Title": "Conformance", "Classes": classes})
}

// api serves the OpenAPI 3.0 definition.
func (s *Service) api(w http.ResponseWriter, r *http.Request) {
	if _, err := negotiate(r, nil, formatJSON); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", openAPIType)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if r.Method != http.MethodHead {
		w.Write(s.openAPI)
	}
}

// openAPIDocument describes the API: generic collection paths with the
// parameters each takes, limit's bounds included.
func openAPIDocument() []byte {
	param := func(name, in, desc string, required bool, schema map[string]any) map[string]any {
		p := map[string]any{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
		if in == "query" {
			p["style"], p["explode"] = "form", false
		}
		return p
	}
	str := map[string]any{"type": "string"}
	f := param("f", "query", "Representation: json (default) or html.", false, map[string]any{"type": "string", "enum": []string{"json", "html"}})
	datum := param("datum", "query", "Output coordinates: wgs84 (default, CRS84) or gcj02, the offset datum of Gaode/AMap and Tencent basemaps. Input (bbox) is always WGS84.",
		false, map[string]any{"type": "string", "enum": []string{"wgs84", "gcj02"}, "default": "wgs84"})
	collectionID := param("collectionId", "path", "{plan}-level-{N}, {plan}-units, {plan}-facilities or {plan}-findings.", true, str)
	items := []any{
		collectionID,
		param("limit", "query", "Features per page; larger values are clamped to the maximum.", false,
			map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
		param("bbox", "query", "minLon,minLat,maxLon,maxLat in CRS84: features intersecting it.", false,
			map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}),
		param("datetime", "query", "Accepted for conformance; the layers carry no time, so it selects everything.", false, str),
		param("after", "query", "Keyset paging: features with ids greater than this (follow the next link).", false, map[string]any{"type": "integer"}),
		param("parent", "query", "Grids and findings: the parent grid's code.", false, str),
		param("kind", "query", "Grids: base or special; findings: gap, overlap, ...", false, str),
		param("category", "query", "Grids: special-grid category (school, hospital, ...).", false, str),
		param("type", "query", "Facilities: facility type.", false, str),
		param("severity", "query", "Findings: error or warning.", false, str),
		param("check", "query", "Findings: coverage, balance or circles.", false, str),
		f, datum,
	}
	ok := func(desc string, types ...string) map[string]any {
		content := map[string]any{}
		for _, t := range types {
			content[t] = map[string]any{}
		}
		return map[string]any{"200": map[string]any{"description": desc, "content": content},
			"400": map[string]any{"description": "Bad request (problem+json)"},
			"404": map[string]any{"description": "Not found (problem+json)"}}
	}
	get := func(id, summary string, params []any, responses map[string]any) map[string]any {
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "parameters": params, "responses": responses}}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "gridplan", "version": "1.0",
			"description": "OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) for governance grids."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths": map[string]any{
			"/":            get("getLandingPage", "Landing page", []any{f}, ok("Landing page", "application/json", "text/html")),
			"/conformance": get("getConformance", "Conformance classes", []any{f}, ok("Conformance", "application/json", "text/html")),
			"/api":         get("getAPI", "This definition", nil, ok("OpenAPI 3.0", openAPIType)),
			"/collections": get("getCollections", "Collections", []any{f}, ok("Collections", "application/json", "text/html")),
			"/collections/{collectionId}": get("describeCollection", "One collection", []any{collectionID, f},
				ok("Collection", "application/json", "text/html")),
			"/collections/{collectionId}/items": get("getFeatures", "Features of a collection, paged by keyset", items,
				ok("FeatureCollection", "application/geo+json", "text/html")),
			"/collections/{collectionId}/items/{featureId}": get("getFeature", "One feature",
				[]any{collectionID, param("featureId", "path", "Integer feature id.", true, map[string]any{"type": "integer"}), f, datum},
				ok("Feature", "application/geo+json", "text/html")),
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // a fixed document of plain values
	}
	return b
}
