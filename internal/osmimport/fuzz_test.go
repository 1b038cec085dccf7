package osmimport_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/gridplan/gridplan/internal/osmimport"
)

// FuzzReadXML feeds the OSM reader arbitrary OSM XML: it never panics,
// and every edge it keeps joins two distinct nodes it has coordinates of.
func FuzzReadXML(f *testing.F) {
	for _, seed := range []string{
		`<osm><node id="1" lat="42.5" lon="1.5"/><node id="2" lat="42.51" lon="1.51"/>
		 <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>`,
		`<osm><node id="1" lat="42.5" lon="1.5"/><way id="10"><nd ref="1"/><nd ref="1"/><nd ref="3"/><tag k="highway" v="residential"/></way></osm>`,
		`<osm><node id="1" lat="42.5" lon="1.5"/><node id="2" lat="42.5" lon="1.6"/><node id="3" lat="42.6" lon="1.6"/>
		 <way id="5"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="amenity" v="school"/><tag k="name" v="x&#0;y"/></way></osm>`,
		`<osm><way id="1"><tag k="highway" v="motorway"/></way></osm>`, `<osm>`, `not xml`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		x, err := osmimport.Read(context.Background(), "fuzz.osm", open, osmimport.Options{Facilities: osmimport.DefaultFacilityTags()})
		if err != nil {
			return
		}
		nodes := map[int64]bool{}
		for _, n := range x.Nodes {
			nodes[n.ID] = true
		}
		for _, e := range x.Edges {
			if e.Source == e.Target || !nodes[e.Source] || !nodes[e.Target] {
				t.Fatalf("edge %+v joins unknown or equal nodes", e)
			}
		}
	})
}
