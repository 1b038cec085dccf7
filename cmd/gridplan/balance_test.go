package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Two streets side by side, three buildings in them and one outside.
const balanceGrids = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":"A","level":1},"geometry":{"type":"Polygon","coordinates":[[[113.600,34.700],[113.601,34.700],[113.601,34.701],[113.600,34.701],[113.600,34.700]]]}},
 {"type":"Feature","properties":{"code":"B","level":1},"geometry":{"type":"Polygon","coordinates":[[[113.601,34.700],[113.602,34.700],[113.602,34.701],[113.601,34.701],[113.601,34.700]]]}}]}`

const balanceUnits = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"persons":120,"households":40},"geometry":{"type":"Point","coordinates":[113.6005,34.7005]}},
 {"type":"Feature","properties":{"persons":30,"households":10},"geometry":{"type":"Point","coordinates":[113.6015,34.7005]}},
 {"type":"Feature","properties":{"persons":20,"households":9},"geometry":{"type":"Point","coordinates":[113.6016,34.7002]}},
 {"type":"Feature","properties":{"name":"outside","persons":5,"households":2},"geometry":{"type":"Point","coordinates":[113.605,34.705]}}]}`

func TestAuditBalance(t *testing.T) {
	dsn := srv.NewDSN(t)
	for _, args := range [][]string{
		{"plan", "create", "two"},
		{"import", "grids", "two", writeFile(t, "grids.geojson", balanceGrids)},
		{"import", "units", "two", writeFile(t, "units.geojson", balanceUnits)},
	} {
		if r := gridplan(t, dsn, args...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}

	r := gridplan(t, dsn, "plan", "level", "two", "1", "--min-persons", "60", "--max-persons", "150", "--name", "street")
	if r.code != 0 || !strings.Contains(r.stdout, `plan "two" level 1 street: 60–150 persons`) {
		t.Fatalf("plan level: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	// Unassigned population is an error: exit 1, with the report on stdout.
	r = gridplan(t, dsn, "audit", "two", "--checks", "balance", "--format", "json")
	if r.code != 1 {
		t.Fatalf("audit: exit %d, want 1 (a unit lies outside every grid): %s", r.code, r.stderr)
	}
	var report struct {
		Balance struct {
			Levels []struct {
				Persons, UnassignedPersons int64
				OutOfBand                  int `json:"out_of_band"`
			} `json:"levels"`
			Grids []struct {
				Code, Band   string
				Persons      int64
				DeviationPct float64 `json:"deviation_pct"`
			} `json:"grids"`
			Unassigned struct{ Persons int64 } `json:"unassigned"`
		} `json:"balance"`
		Coverage any `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("audit --format json: %v\n%s", err, r.stdout)
	}
	b := report.Balance
	// A: 120 persons, B: 50; ideal 85: A +41.18% within 60–150, B −41.18% under.
	if len(b.Grids) != 2 || b.Grids[0].Code != "B" || b.Grids[0].Band != "under" || b.Grids[0].DeviationPct != -41.18 ||
		b.Grids[1].Code != "A" || b.Grids[1].Persons != 120 || b.Grids[1].Band != "within" ||
		b.Unassigned.Persons != 5 || len(b.Levels) != 1 || b.Levels[0].Persons != 170 || b.Levels[0].OutOfBand != 1 ||
		report.Coverage != nil {
		t.Errorf("report: %s", r.stdout)
	}

	r = gridplan(t, dsn, "audit", "two", "--checks", "balance")
	if r.code != 1 || !strings.Contains(r.stdout, "Unassigned population (errors): 1 units, 5 persons") {
		t.Errorf("text audit: exit %d\n%s", r.code, r.stdout)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "level", "two", "1", "--min-persons", "200", "--max-persons", "150"}, "min persons 200 is above max persons 150"},
		{[]string{"plan", "level", "two", "0"}, `level "0": want a level number`},
		{[]string{"plan", "level", "nowhere", "1"}, `plan "nowhere" does not exist`},
		{[]string{"plan", "level", "two", "1", "--max-households", "-3"}, "--max-households -3: want 0 or more"},
		{[]string{"plan", "balance", "two", "--polygon-units", "centroid"}, `polygon units rule "centroid"`},
	} {
		if r := gridplan(t, dsn, tt.args...); r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if r := gridplan(t, dsn, "plan", "balance", "two", "--polygon-units", "interior_point"); r.code != 0 ||
		!strings.Contains(r.stdout, "interior_point") {
		t.Errorf("plan balance: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	// The refused band left the stored one as it was.
	if r := gridplan(t, dsn, "plan", "level", "two", "1"); !strings.Contains(r.stdout, "60–150 persons") {
		t.Errorf("level after a refused edit: %q", r.stdout)
	}
}
