package geojsonio

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// CRS is the coordinate reference system of a stream's coordinates: an
// EPSG code and whether its coordinates are longitude/latitude degrees.
// The zero value means WGS84, the only CRS of RFC 7946.
type CRS struct {
	EPSG       int
	Geographic bool
}

// wgs84 is RFC 7946's CRS, EPSG:4326.
const wgs84 = 4326

// SRID is the EPSG code to store the coordinates under: 4326 for the zero
// CRS.
func (c CRS) SRID() int {
	if c.EPSG == 0 {
		return wgs84
	}
	return c.EPSG
}

// geographic reports whether coordinates are longitude/latitude, so that
// their range can be checked.
func (c CRS) geographic() bool { return c.EPSG == 0 || c.EPSG == wgs84 || c.Geographic }

// Source says where a stream of features comes from beyond its bytes: the
// name messages use, what is known of its coordinates and how its
// properties are stored. The zero Source with a File is an RFC 7946 file.
type Source struct {
	File string
	// CRS, when set, is the coordinates' CRS as the caller knows it (a
	// Shapefile's .prj, --source-crs). It wins over a "crs" member.
	CRS CRS
	// LookupCRS resolves the EPSG code a GeoJSON "crs" member names (the
	// database knows which CRSs exist and which are geographic). When nil,
	// a "crs" member naming anything but WGS84 is refused: coordinates are
	// never read in a CRS other than the one the file states.
	LookupCRS func(epsg int) (CRS, error)
	// Tabular says the features come from a fixed-schema table (Shapefile,
	// GeoPackage) where every feature has every column: there a null means
	// "this feature has no such property", so nulls are dropped rather
	// than kept as free properties.
	Tabular bool
	// Rename maps property names as stored to the names they stand for
	// (a Shapefile's 10-character field names back to the full names).
	Rename map[string]string
	// Nested names a property holding further properties as one JSON
	// object (or its text), spread into the feature's properties before
	// mapping: a plan bundle keeps free properties that way, so their
	// JSON types survive a table format.
	Nested string
}

// normalize applies the source's storage conventions to a feature's
// properties before they are mapped: renames, dropped nulls, the nested
// object spread out.
func (src *Source) normalize(props map[string]any, index int) error {
	for stored, name := range src.Rename {
		if v, ok := props[stored]; ok {
			delete(props, stored)
			props[name] = v
		}
	}
	if src.Tabular {
		for k, v := range props {
			if v == nil {
				delete(props, k)
			}
		}
	}
	if src.Nested == "" {
		return nil
	}
	v, ok := props[src.Nested]
	if !ok {
		return nil
	}
	delete(props, src.Nested)
	nested, ok := v.(map[string]any)
	if text, isText := v.(string); isText {
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		ok = dec.Decode(&nested) == nil
	}
	if !ok {
		return featureError(src.File, index, src.Nested, fmt.Sprintf("%s is not a JSON object", describe(v)))
	}
	for k, x := range nested {
		if _, named := props[k]; !named {
			props[k] = x
		}
	}
	return nil
}

// crsMember reads the EPSG code a GeoJSON 2008 "crs" member names: the
// "name" form with an OGC URN, an OGC URL or "EPSG:N". OGC CRS84 is
// EPSG:4326 with longitude first, which is how gridplan reads 4326 anyway.
// A null member states no CRS (0).
func crsMember(v any) (int, string) {
	if v == nil {
		return 0, ""
	}
	m, _ := v.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	name, _ := props["name"].(string)
	if m["type"] != "name" || name == "" {
		return 0, fmt.Sprintf("the \"crs\" member is %s; gridplan reads the named form, "+
			`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}`, describeCRS(v))
	}
	upper := strings.ToUpper(strings.TrimSpace(name))
	if strings.HasSuffix(upper, "CRS84") {
		return wgs84, ""
	}
	for _, prefix := range []string{"URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "EPSG:"} {
		if rest, ok := strings.CutPrefix(upper, prefix); ok {
			// The URN may carry a version between the colons (EPSG:6.6:4326).
			rest = rest[strings.LastIndexByte(rest, ':')+1:]
			if n, err := strconv.Atoi(rest); err == nil && n > 0 {
				return n, ""
			}
		}
	}
	return 0, fmt.Sprintf("the \"crs\" member names %q, which is no EPSG code; give --source-crs EPSG:N", name)
}

func describeCRS(v any) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 80 {
		return describe(v)
	}
	return string(b)
}
