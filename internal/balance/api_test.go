package balance_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/httpapi"
)

// The HTTP surface: the audit endpoint routes through the auditor to this
// checker, and the grid endpoints carry the figures it stores.
func TestHTTP(t *testing.T) {
	db := srv.NewDB(t)
	handPlan(t, db)
	auditor := audit.New(audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})})
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{Auditor: auditor}))
	defer ts.Close()

	get := func(path string, wantStatus int, into any) {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != wantStatus {
			t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, wantStatus, body)
		}
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, body)
		}
	}
	var report struct {
		Plan     string
		Settings map[string]any
		Balance  *struct {
			Levels []struct{ Level, Grids int } `json:"levels"`
			Grids  []struct {
				Code         string
				DeviationPct float64 `json:"deviation_pct"`
			} `json:"grids"`
			MergeCandidates []any `json:"merge_candidates"`
			SplitCandidates []any `json:"split_candidates"`
		}
		Coverage any
	}
	get("/api/plans/hand/audit?checks=balance", http.StatusOK, &report)
	if report.Plan != "hand" || report.Balance == nil || len(report.Balance.Levels) != 3 || len(report.Balance.Grids) != 9 ||
		len(report.Balance.MergeCandidates) != 1 || len(report.Balance.SplitCandidates) != 1 ||
		report.Settings["balance_polygon_units"] != "area_share" || report.Coverage != nil {
		t.Errorf("audit report: %+v", report)
	}

	var feature struct {
		Properties map[string]any
	}
	get("/api/plans/hand/grids/G1", http.StatusOK, &feature)
	p := feature.Properties
	if p["persons"] != 130.0 || p["households"] != 50.0 || p["deviation_pct"] != 52.94 || p["band"] != "over" {
		t.Errorf("grid G1 properties: %v", p)
	}

	var problem struct {
		Status int
		Detail string
	}
	get("/api/plans/nowhere/audit?checks=balance", http.StatusNotFound, &problem)
	if problem.Detail != `plan "nowhere" does not exist` {
		t.Errorf("problem: %+v", problem)
	}
	get("/api/plans/hand/audit?checks=balance,size", http.StatusBadRequest, &problem)
}
