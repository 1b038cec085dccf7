package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCirclesCommands walks the circles' command line: import an OSM
// extract with facilities, edit the rules, audit in JSON.
func TestCirclesCommands(t *testing.T) {
	dsn := srv.NewDSN(t)
	fixture := filepath.Join("..", "..", "testdata", "osm", "walk.osm")
	steps := []struct {
		args []string
		code int
		want string // substring of stdout, or of stderr when code != 0
	}{
		{[]string{"plan", "create", "walk"}, 0, "created plan"},
		{[]string{"import", "osm", "walk", fixture, "--facilities"}, 0, "7 edges"},
		{[]string{"import", "osm", "walk", "missing.osm.pbf"}, 2, "missing.osm.pbf"},
		{[]string{"import", "osm", "walk", fixture, "--facility-tags", "amenity"}, 2, "key=value:type"},
		{[]string{"rule", "add", "walk", "--facility-type", "clinic", "--minutes", "20", "--target-pct", "90"}, 0, "added rule clinic within 20 minutes at 80 m/min (1600 m)"},
		{[]string{"rule", "add", "walk", "--facility-type", "clinic", "--minutes", "20"}, 0, "updated rule"},
		{[]string{"rule", "add", "walk", "--facility-type", "clinic"}, 2, "--minutes"},
		{[]string{"rule", "list", "walk"}, 0, "clinic                    20"},
		{[]string{"rule", "remove", "walk", "--facility-type", "clinic", "--minutes", "20"}, 0, "removed"},
		{[]string{"rule", "remove", "walk", "--facility-type", "clinic", "--minutes", "20"}, 2, `plan "walk": no circle rule for clinic within 20 minutes`},
		{[]string{"rule", "list", "nosuch"}, 2, `plan "nosuch" does not exist`},
	}
	for _, s := range steps {
		r := gridplan(t, dsn, s.args...)
		out := r.stdout
		if s.code != 0 {
			out = r.stderr
		}
		if r.code != s.code || !strings.Contains(out, s.want) {
			t.Fatalf("gridplan %s: exit %d, %q / %q; want exit %d with %q", strings.Join(s.args, " "), r.code, r.stdout, r.stderr, s.code, s.want)
		}
	}
	r := gridplan(t, dsn, "audit", "walk", "--checks", "circles", "--format", "json")
	if r.code != 0 {
		t.Fatalf("audit: %+v", r)
	}
	var report struct {
		Circles struct {
			Rules []struct {
				FacilityType string `json:"facility_type"`
				Method       string `json:"method"`
				Facilities   int    `json:"facilities"`
			} `json:"rules"`
		} `json:"circles"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatal(err)
	}
	found := map[string]int{}
	for _, rule := range report.Circles.Rules {
		if rule.Method != "network" {
			t.Errorf("rule %s measured %s", rule.FacilityType, rule.Method)
		}
		found[rule.FacilityType] = rule.Facilities
	}
	// The default rules; the OSM school and clinic count for theirs.
	if len(report.Circles.Rules) != 8 || found["primary_school"] != 1 || found["clinic"] != 1 {
		t.Errorf("rules %+v", report.Circles.Rules)
	}
}
