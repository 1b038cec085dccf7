package osmimport

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// fileOpener opens path for each pass.
func fileOpener(path string) Opener {
	return func(string) (io.ReadCloser, error) { return os.Open(path) }
}

var fixture = filepath.Join("..", "..", "testdata", "osm", "walk.osm")

func TestReadFixture(t *testing.T) {
	x, err := Read(context.Background(), fixture, fileOpener(fixture), Options{Facilities: DefaultFacilityTags(), Buildings: true})
	if err != nil {
		t.Fatal(err)
	}
	type e struct {
		from, to, way int64
		hw            string
		points        int
	}
	var got []e
	for _, ed := range x.Edges {
		got = append(got, e{ed.Source, ed.Target, ed.OSMWay, ed.Highway, len(ed.Geometry)})
	}
	want := []e{
		{1, 2, 1, "residential", 2}, {2, 3, 1, "residential", 2}, // split where way 2 crosses
		{4, 2, 2, "footway", 2}, {2, 5, 2, "footway", 2}, // the doubled node 2 dropped
		{5, 8, 5, "steps", 2},
		{8, 10, 7, "cycleway", 2},     // foot=designated
		{3, 20, 10, "residential", 2}, // cut where the way leaves the extract
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("edges\n got %v\nwant %v", got, want)
	}
	var nodes []int64
	for _, n := range x.Nodes {
		nodes = append(nodes, n.ID)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i] < nodes[j] })
	if want := []int64{1, 2, 3, 4, 5, 8, 10, 20}; !reflect.DeepEqual(nodes, want) {
		t.Errorf("nodes %v, want %v", nodes, want)
	}
	if want := map[string]int{"motorway": 1, "foot=no": 1, "highway=cycleway": 1, "access=private": 1}; !reflect.DeepEqual(x.Skipped, want) {
		t.Errorf("skipped %v, want %v", x.Skipped, want)
	}
	if x.Ways != 5 {
		t.Errorf("%d walkable ways, want 5", x.Ways)
	}
	if len(x.Facilities) != 2 {
		t.Fatalf("facilities %+v, want a school and a clinic", x.Facilities)
	}
	school, clinic := x.Facilities[0], x.Facilities[1]
	if school.Type != "primary_school" || school.Name != "Test Primary School" || school.Geometry != (orb.Point{113.6005, 34.7005}) {
		t.Errorf("school %+v", school)
	}
	if clinic.Type != "clinic" || clinic.Properties["osm_type"] != "way" || clinic.Properties["osm_id"] != int64(40) {
		t.Errorf("clinic %+v", clinic)
	}
	if c := clinic.Geometry; abs(c[0]-113.60263333333333) > 1e-9 || abs(c[1]-34.69943333333333) > 1e-9 {
		t.Errorf("clinic at %v, want the mean of its three corners", c)
	}
	if len(x.Buildings) != 1 {
		t.Errorf("buildings %v, want one", x.Buildings)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestReadRefusesGarbage(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"bad.osm": "<osm><way id='1'", "bad.osm.pbf": "not a pbf file at all"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(context.Background(), path, fileOpener(path), Options{})
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}

func TestParseTagTypes(t *testing.T) {
	got, err := ParseTagTypes("amenity=school:school, shop=supermarket:market")
	if err != nil {
		t.Fatal(err)
	}
	want := []TagType{{"amenity", "school", "school"}, {"shop", "supermarket", "market"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"amenity:school", "amenity=school", "=x:y", "a=b:"} {
		if _, err := ParseTagTypes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
