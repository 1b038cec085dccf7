package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
)

// fixed is a checker with a preset result, to test the assembly.
type fixed struct{ errors int }

type fixedSection struct {
	N int `json:"n"`
}

func (s fixedSection) Errors() int { return s.N }
func (s fixedSection) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "fixed: %d\n", s.N)
	return err
}
func (f fixed) Settings(domain.Plan) map[string]any { return map[string]any{"fixed_setting": 7} }
func (f fixed) Check(context.Context, domain.Plan) (audit.Section, error) {
	return fixedSection{N: f.errors}, nil
}

func TestRun(t *testing.T) {
	a := audit.New(audit.Check{Name: audit.Coverage, Checker: fixed{errors: 2}}, audit.Check{Name: audit.Balance, Checker: fixed{}})
	plan := domain.Plan{Name: "demo", SRID: 4547}

	checks, err := a.ParseChecks("")
	if err != nil || strings.Join(checks, ",") != "coverage,balance" {
		t.Fatalf("all checks: %v %v", checks, err)
	}
	if _, err := a.ParseChecks("coverage,circles"); domain.ErrorCode(err) != domain.ErrInvalid {
		t.Fatalf("unavailable check must be refused: %v", err)
	}
	checks, _ = a.ParseChecks("balance")
	r, err := a.Run(context.Background(), plan, checks)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), "coverage") || !strings.Contains(string(b), `"balance":{"n":0}`) ||
		!strings.Contains(string(b), `"crs":"EPSG:4547"`) || !strings.Contains(string(b), `"fixed_setting":7`) {
		t.Fatalf("report: %s", b)
	}
	if r.Errors() != 0 {
		t.Fatal("no errors expected")
	}
	checks, _ = a.ParseChecks("balance,coverage")
	r, _ = a.Run(context.Background(), plan, checks)
	if r.Errors() != 2 {
		t.Fatalf("errors %d", r.Errors())
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "2 error(s)") {
		t.Fatalf("text: %q %v", text.String(), err)
	}
}
