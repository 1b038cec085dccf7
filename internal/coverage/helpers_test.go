package coverage

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
	"github.com/gridplan/gridplan/internal/store"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// Hand-built plans are drawn in metres near Zhengzhou (EPSG:4547) and stored
// as every plan is: in WGS84, with the metric copy made by PostGIS. So each
// case also carries the noise of a projection round trip.
const x0, y0 = 470000.0, 3840000.0

func rect(x1, y1, x2, y2 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0 + x1, y0 + y1}, {x0 + x2, y0 + y1}, {x0 + x2, y0 + y2}, {x0 + x1, y0 + y2}, {x0 + x1, y0 + y1}}}}
}

// ring builds a one-ring polygon from local coordinates.
func ring(pts ...float64) orb.MultiPolygon {
	var r orb.Ring
	for i := 0; i+1 < len(pts); i += 2 {
		r = append(r, orb.Point{x0 + pts[i], y0 + pts[i+1]})
	}
	return orb.MultiPolygon{{append(r, r[0])}}
}

func withHole(outer, hole orb.MultiPolygon) orb.MultiPolygon {
	h := hole[0][0].Clone()
	h.Reverse()
	return orb.MultiPolygon{{outer[0][0], h}}
}

func grid(code, parent string, level int, geom orb.MultiPolygon) domain.Grid {
	return domain.Grid{Code: code, Name: "grid " + code, Parent: parent, Level: level, Kind: domain.KindBase, Geometry: geom}
}

func special(code, parent string, level int, mode domain.Mode, geom orb.MultiPolygon) domain.Grid {
	return domain.Grid{Code: code, Name: "special " + code, Parent: parent, Level: level, Kind: domain.KindSpecial,
		Category: "park", Mode: mode, Geometry: geom}
}

// newPlan stores a plan with an optional metric boundary and metric grids.
func newPlan(t *testing.T, db *store.DB, name string, boundary orb.MultiPolygon, grids []domain.Grid) domain.Plan {
	t.Helper()
	ctx := context.Background()
	p := domain.Plan{Name: name, SRID: 4547}
	if boundary != nil {
		out, err := db.Transform(ctx, []orb.Geometry{boundary}, 4547, domain.WGS84)
		if err != nil {
			t.Fatal(err)
		}
		p.Boundary = out[0].(orb.MultiPolygon)
	}
	p, err := db.CreatePlan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(grids) > 0 {
		pgtest.ImportGrids(t, db, p, grids, 4547)
	}
	return reload(t, db, name)
}

func reload(t *testing.T, db *store.DB, name string) domain.Plan {
	t.Helper()
	p, err := db.Plan(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func check(t *testing.T, c *Checker, plan domain.Plan) *Section {
	t.Helper()
	s, err := c.Check(context.Background(), plan)
	if err != nil {
		t.Fatalf("check %s: %v", plan.Name, err)
	}
	return s.(*Section)
}

// want is an expected finding: its kind, grids and area (m²).
type want struct {
	kind  string
	grids []string
	area  float64
}

// expect compares findings with wants as multisets by kind and grids, and
// areas within 1% or 0.05 m².
func expect(t *testing.T, got []domain.Finding, wants ...want) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range wants {
		slices.Sort(w.grids)
		found := false
		for i, f := range got {
			if used[i] || f.Kind != w.kind || !slices.Equal(f.Grids, w.grids) {
				continue
			}
			if math.Abs(f.AreaM2-w.area) > math.Max(0.01*w.area, 0.05) {
				continue
			}
			used[i], found = true, true
			if f.Geometry == nil {
				t.Errorf("%s %v: no geometry", f.Kind, f.Grids)
			}
			break
		}
		if !found {
			t.Errorf("missing %s of %v (%.2f m²)", w.kind, w.grids, w.area)
		}
	}
	for i, f := range got {
		if !used[i] {
			t.Errorf("unexpected %s %s of %v: %.4f m², %.3f m wide: %s", f.Severity, f.Kind, f.Grids, f.AreaM2, f.WidthM, f.Reason)
		}
	}
}

func describe(fs []domain.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %v %.3f m² %.3f m: %s\n", f.Severity, f.Kind, f.Grids, f.AreaM2, f.WidthM, f.Reason)
	}
	return b.String()
}

// exec runs SQL against the test database (to break what imports refuse).
func exec(t *testing.T, db *store.DB, sql string, args ...any) {
	t.Helper()
	if _, err := db.Pool().Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
