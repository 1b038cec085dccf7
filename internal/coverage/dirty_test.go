package coverage

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

func round7(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, p := range out {
		for _, r := range p {
			for i, q := range r {
				r[i] = orb.Point{math.Round(q[0]*1e7) / 1e7, math.Round(q[1]*1e7) / 1e7}
			}
		}
	}
	return out
}

// Acceptance 3: real-world dirty data. The demo is exported as GeoJSON with
// coordinates rounded to 7 decimals (about a centimetre), one micro-grid
// is made a bow-tie and one gets a 20 cm sliver, and the file is imported
// into a new plan. The audit explains exactly those two places: rounding
// noise everywhere else gives no finding.
func TestDirtyRealWorldData(t *testing.T) {
	db := srv.NewDB(t)
	ctx := context.Background()
	src := loadDemo(t, db, "demo")
	var grids []domain.Grid
	err := db.EachGrid(ctx, src.Workspace, store.GridFilter{}, func(g domain.Grid) error {
		g.Geometry = round7(g.Geometry)
		g.ID = 0
		grids = append(grids, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var bowtie, sliver string
	for i, g := range grids {
		r := g.Geometry[0][0]
		if g.Level != 4 || g.Kind != domain.KindBase || len(g.Geometry) != 1 || len(r) < 8 {
			continue
		}
		switch {
		case bowtie == "":
			// Swapping two vertices makes two edges cross.
			r[2], r[3] = r[3], r[2]
			bowtie = g.Code
		case sliver == "" && grids[i].Parent != grids[slices.IndexFunc(grids, func(x domain.Grid) bool { return x.Code == bowtie })].Parent:
			// Move one vertex 20 cm east: a sliver beside it (outside the
			// parent when the vertex is on the parent's boundary).
			r[2] = orb.Point{r[2][0] + 2.2e-6, r[2][1]}
			sliver = g.Code
		}
	}
	var buf bytes.Buffer
	w := geojsonio.NewWriter(&buf)
	for _, g := range grids {
		if err := w.Write(geojsonio.GridFeature(g)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	read, err := geojsonio.ReadGrids(&buf, "dirty.geojson", geojsonio.DefaultGridFields())
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePlan(ctx, domain.Plan{Name: "dirty", SRID: 4547, Boundary: round7(src.Boundary)})
	if err != nil {
		t.Fatal(err)
	}
	warnings, _, err := db.ImportGrids(ctx, p.Workspace, read, domain.WGS84, store.Record{Kind: store.RevisionImport, Author: "test"})
	if err != nil || len(warnings) != 1 {
		t.Fatalf("import: %v, warnings %v (want one, for the bow-tie)", err, warnings)
	}
	s := check(t, New(db, Options{}), reload(t, db, "dirty"))
	kinds := map[string]int{}
	for _, f := range s.Findings() {
		kinds[f.Kind]++
		if !slices.Contains(f.Grids, bowtie) && !slices.Contains(f.Grids, sliver) {
			t.Errorf("finding away from the two broken grids: %s %v %.4f m²: %s", f.Kind, f.Grids, f.AreaM2, f.Reason)
		}
		if f.Geometry == nil || f.Reason == "" {
			t.Errorf("finding without place or reason: %+v", f)
		}
		if slices.Contains(f.Grids, sliver) && !slices.Contains(f.Grids, bowtie) && f.Severity != domain.SeverityWarning {
			t.Errorf("the 20 cm sliver must be a warning: %s %v %.3f m wide", f.Kind, f.Grids, f.WidthM)
		}
	}
	if kinds[KindInvalid] != 1 || kinds[KindSliverGap]+kinds[KindSliverOverlap]+kinds[KindSliverOutside] < 1 {
		t.Errorf("want the bow-tie's invalid_geometry and the sliver; got %v:\n%s", kinds, describe(s.Findings()))
	}
	t.Logf("bow-tie %s, sliver %s:\n%s", bowtie, sliver, describe(s.Findings()))
}
