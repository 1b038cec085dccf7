package gisformat

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	kmlgeom "github.com/twpayne/go-geom/encoding/kml"
	"github.com/twpayne/go-kml/v3"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// KML is written element by element through one xml.Encoder, so a layer
// of thousands of placemarks is never held as one tree: the document and
// folder tags are opened and closed by hand, each style and placemark is
// a go-kml element, each geometry encoded by go-geom's encoding/kml.

// writeKML writes a KML document, or a KMZ (the document zipped as doc.kml).
func (x Export) writeKML(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	if x.Format != KMZ {
		return x.kmlDocument(ctx, db, plan, w)
	}
	zw := zip.NewWriter(w)
	doc, err := zw.Create("doc.kml")
	if err != nil {
		return err
	}
	if err := x.kmlDocument(ctx, db, plan, doc); err != nil {
		return err
	}
	return zw.Close()
}

// kmlDocument writes the plan's layers as folders: grids one folder per
// level, then units, facilities or findings; each feature a placemark
// named after it, styled by level, category or kind, with its properties
// as a description table and as ExtendedData (which GDAL's LIBKML driver
// reads back as fields).
func (x Export) kmlDocument(ctx context.Context, db *store.DB, plan domain.Plan, w io.Writer) error {
	layers, err := x.layers(ctx, db, plan)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	docName := plan.Title
	if docName == "" {
		docName = plan.Name
	}
	if err := open(enc, xml.StartElement{Name: xml.Name{Local: "kml"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: kml.Namespace}}}); err != nil {
		return err
	}
	open(enc, xml.StartElement{Name: xml.Name{Local: "Document"}})
	enc.Encode(kml.Name(docName))
	for _, s := range kmlStyles(maxLevel(plan)) {
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	folder := ""
	for _, l := range layers {
		err := eachFeature(ctx, db, plan, l, func(f *geojson.Feature) error {
			if name := folderName(plan, l, f); name != folder {
				if folder != "" {
					closeElement(enc, "Folder")
				}
				folder = name
				open(enc, xml.StartElement{Name: xml.Name{Local: "Folder"}})
				enc.Encode(kml.Name(name))
			}
			p, err := placemark(l, f)
			if err != nil {
				return err
			}
			return enc.Encode(p)
		})
		if err != nil {
			return err
		}
	}
	if folder != "" {
		closeElement(enc, "Folder")
	}
	closeElement(enc, "Document")
	if err := closeElement(enc, "kml"); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func open(enc *xml.Encoder, start xml.StartElement) error { return enc.EncodeToken(start) }

func closeElement(enc *xml.Encoder, name string) error {
	return enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
}

func maxLevel(plan domain.Plan) int {
	n := 0
	for _, l := range plan.Levels {
		n = max(n, l.Level)
	}
	return n
}

// folderName is the folder a feature goes in: its level for grids
// ("Level 3 grid"), else the layer.
func folderName(plan domain.Plan, l layer, f *geojson.Feature) string {
	if l.what != "grids" {
		return l.what
	}
	level := intProperty(f.Properties, "level")
	for _, pl := range plan.Levels {
		if pl.Level == level && pl.Name != "" {
			return fmt.Sprintf("Level %d %s", level, pl.Name)
		}
	}
	return "Level " + strconv.Itoa(level)
}

// placemark turns one feature into a Placemark.
func placemark(l layer, f *geojson.Feature) (kml.Element, error) {
	p := f.Properties
	name := firstText(p, "name", "code", "type", "kind")
	children := []kml.Element{kml.Name(name), kml.StyleURL("#" + styleID(l, p))}
	keys := geojsonio.OrderedKeys(p)
	var table strings.Builder
	table.WriteString("<table>")
	data := make([]kml.Element, 0, len(keys))
	for _, k := range keys {
		v := p[k]
		if v == nil {
			continue
		}
		text := valueText(v)
		fmt.Fprintf(&table, "<tr><th>%s</th><td>%s</td></tr>", html.EscapeString(k), html.EscapeString(text))
		data = append(data, kml.Data(k, kml.Value(text)))
	}
	table.WriteString("</table>")
	children = append(children, kml.Description(table.String()), kml.ExtendedData(data...))
	if f.Geometry != nil {
		g, err := kmlgeom.Encode(toGeom(f.Geometry))
		if err != nil {
			return nil, err
		}
		children = append(children, g)
	}
	return kml.Placemark(children...), nil
}

// firstText is the first of the named properties that is a non-empty
// string or a number.
func firstText(p geojson.Properties, names ...string) string {
	for _, n := range names {
		if v, ok := p[n]; ok && v != nil {
			if s := valueText(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// valueText writes a property value as text: strings as they are,
// numbers as JSON writes them, objects and lists as JSON.
func valueText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func intProperty(p geojson.Properties, name string) int {
	switch v := p[name].(type) {
	case int:
		return v
	case int64:
		return int(v)
	}
	return 0
}

// toGeom converts an orb geometry to go-geom's, coordinates unchanged.
func toGeom(g orb.Geometry) geom.T {
	switch g := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{g[0], g[1]})
	case orb.MultiPoint:
		return geom.NewMultiPointFlat(geom.XY, flatPoints(nil, g))
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flatPoints(nil, g))
	case orb.MultiLineString:
		mls := geom.NewMultiLineString(geom.XY)
		for _, ls := range g {
			mls.Push(geom.NewLineStringFlat(geom.XY, flatPoints(nil, ls)))
		}
		return mls
	case orb.Ring:
		return toGeom(orb.Polygon{g})
	case orb.Polygon:
		flat, ends := flatPolygon(nil, nil, g)
		return geom.NewPolygonFlat(geom.XY, flat, ends)
	case orb.MultiPolygon:
		var flat []float64
		endss := make([][]int, 0, len(g))
		for _, p := range g {
			var ends []int
			flat, ends = flatPolygon(flat, nil, p)
			endss = append(endss, ends)
		}
		return geom.NewMultiPolygonFlat(geom.XY, flat, endss)
	case orb.Collection:
		gc := geom.NewGeometryCollection()
		for _, m := range g {
			gc.Push(toGeom(m))
		}
		return gc
	}
	return geom.NewGeometryCollection()
}

func flatPoints[P ~[]orb.Point](flat []float64, pts P) []float64 {
	for _, p := range pts {
		flat = append(flat, p[0], p[1])
	}
	return flat
}

// flatPolygon appends a polygon's rings to flat; ends are the offsets
// where each ring stops, as go-geom counts them (in the whole flat slice).
func flatPolygon(flat []float64, ends []int, p orb.Polygon) ([]float64, []int) {
	for _, r := range p {
		flat = flatPoints(flat, r)
		ends = append(ends, len(flat))
	}
	return flat, ends
}
