package demo

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// checkContainment checks each child lies in its parent: its atoms are the
// parent's, and the vertices of its rings either lie strictly inside the
// parent or exactly on one of its vertices or axis-parallel edges.
func checkContainment(t *testing.T, b *build) {
	mark := make([]int32, b.at.n)
	for i := range mark {
		mark[i] = -1
	}
	geom := map[string]orb.Polygon{}
	for _, g := range b.out.Grids {
		geom[g.Code] = g.Geometry[0]
	}
	for p := range b.grids {
		for _, f := range b.grids[p].atoms {
			mark[f] = int32(p)
		}
		pg := geom[b.grids[p].code]
		for c, g := range b.grids {
			if g.parent != p {
				continue
			}
			if g.level != b.grids[p].level+1 {
				t.Errorf("grid %s of level %d has parent %s of level %d", g.code, g.level, b.grids[p].code, b.grids[p].level)
			}
			for _, f := range g.atoms {
				if mark[f] != int32(p) {
					t.Fatalf("grid %s holds an atom outside its parent %s", g.code, b.grids[p].code)
				}
			}
			if g.level < 3 && len(b.grids) > 2000 {
				continue // streets are big; levels 3 and 4 cover the exactness
			}
			for _, r := range geom[b.grids[c].code] {
				for _, v := range r {
					if !exactlyOn(pg, v) && !(planar.PolygonContains(pg, v) && !onRings(pg, v)) {
						t.Errorf("grid %s: vertex %v is neither inside %s nor exactly on its boundary", g.code, v, b.grids[p].code)
					}
				}
			}
		}
	}
}

// exactlyOn reports whether v is a vertex of poly or lies exactly (no
// tolerance) on one of its axis-parallel edges.
func exactlyOn(poly orb.Polygon, v orb.Point) bool {
	for _, r := range poly {
		for k := 0; k+1 < len(r); k++ {
			a, c := r[k], r[k+1]
			switch {
			case v == a:
				return true
			case a[0] == c[0] && v[0] == a[0] && v[1] >= math.Min(a[1], c[1]) && v[1] <= math.Max(a[1], c[1]):
				return true
			case a[1] == c[1] && v[1] == a[1] && v[0] >= math.Min(a[0], c[0]) && v[0] <= math.Max(a[0], c[0]):
				return true
			}
		}
	}
	return false
}

func checkCodes(t *testing.T, b *build) {
	byCode := map[string]domain.Grid{}
	kids := map[string][]domain.Grid{}
	for _, g := range b.out.Grids {
		if _, dup := byCode[g.Code]; dup {
			t.Errorf("code %s used twice", g.Code)
		}
		byCode[g.Code] = g
		kids[g.Parent] = append(kids[g.Parent], g)
	}
	lengths := map[int]int{1: 12, 2: 12, 3: 16, 4: 19}
	for _, g := range b.out.Grids {
		if len(g.Code) != lengths[g.Level] || strings.Trim(g.Code, "0123456789") != "" || !strings.HasPrefix(g.Code, "410103") {
			t.Errorf("grid %q of level %d: malformed code", g.Code, g.Level)
		}
		p, ok := byCode[g.Parent]
		switch {
		case g.Level == 1 && g.Parent != "":
			t.Errorf("grid %s: level 1 with parent %q", g.Code, g.Parent)
		case g.Level == 1 && g.Kind == domain.KindSpecial && g.Code != "410103901000" && g.Code != "410103902000":
			t.Errorf("first-level special grid %s", g.Code)
		case g.Level == 1:
		case !ok:
			t.Errorf("grid %s: no parent %q", g.Code, g.Parent)
		case g.Level == 2 && g.Code[:9] != p.Code[:9]:
			t.Errorf("grid %s does not extend its street's code %s", g.Code, p.Code)
		case g.Level > 2 && g.Code[:len(p.Code)] != p.Code:
			t.Errorf("grid %s does not extend its parent's code %s", g.Code, p.Code)
		case g.Kind == domain.KindBase && p.Kind != domain.KindBase:
			t.Errorf("base grid %s under special grid %s", g.Code, p.Code)
		case g.Kind == domain.KindSpecial && p.Kind == domain.KindSpecial && (g.Category != p.Category || g.Mode != p.Mode):
			t.Errorf("special grid %s differs from its parent %s in category or mode", g.Code, p.Code)
		}
		switch {
		case g.Level == 1 && g.Kind == domain.KindBase && !strings.HasSuffix(g.Name, "街道") && !strings.HasSuffix(g.Name, "镇") && !strings.HasSuffix(g.Name, "乡"):
			t.Errorf("street name %q", g.Name)
		case g.Level == 2 && g.Kind == domain.KindBase && ((!strings.HasSuffix(g.Name, "社区") && !strings.HasSuffix(g.Name, "村")) || strings.Contains(g.Name, "委员会")):
			t.Errorf("community name %q", g.Name)
		case g.Level == 3 && g.Kind == domain.KindBase && g.Name != fmt.Sprintf("%s第%d网格", p.Name, atoi(g.Code[12:])):
			t.Errorf("grid %s named %q under %q", g.Code, g.Name, p.Name)
		case g.Level == 4 && g.Name != fmt.Sprintf("%s第%d微网格", p.Name, atoi(g.Code[16:])):
			t.Errorf("micro-grid %s named %q under %q", g.Code, g.Name, p.Name)
		}
	}
	// Sequences run 1..n (specials 9001..) under each parent, and the first
	// is north of the last in most parents (west→east, north→south).
	northFirst, ordered := 0, 0
	for parent, gs := range kids {
		if parent == "" || len(byCode[parent].Code) == 0 {
			continue
		}
		var base, special []int
		for _, g := range gs {
			seq := atoi(g.Code[len(g.Code)-3:])
			if g.Level == 3 {
				seq = atoi(g.Code[12:])
			}
			if g.Level == 2 {
				continue
			}
			if seq >= 9001 {
				special = append(special, seq-9000)
			} else {
				base = append(base, seq)
			}
		}
		for _, seqs := range [][]int{base, special} {
			slices.Sort(seqs)
			for i, s := range seqs {
				if s != i+1 {
					t.Errorf("children of %s are numbered %v", parent, seqs)
					break
				}
			}
		}
		if len(gs) >= 4 && gs[0].Level > 2 {
			ordered++
			first, last := gs[0], gs[0]
			for _, g := range gs {
				if g.Code < first.Code {
					first = g
				}
				if g.Code > last.Code && g.Kind == first.Kind {
					last = g
				}
			}
			if planar.CentroidArea(first.Geometry); centroidY(first) >= centroidY(last) {
				northFirst++
			}
		}
	}
	if ordered > 0 && float64(northFirst) < 0.8*float64(ordered) {
		t.Errorf("the first child is north of the last in only %d of %d parents", northFirst, ordered)
	}
}

func centroidY(g domain.Grid) float64 {
	c, _ := planar.CentroidArea(g.Geometry)
	return c[1]
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func checkBusinessDistrict(t *testing.T, b *build) {
	var streets []int32
	for _, f := range b.grids[b.bd].atoms {
		s := b.owner[0][f]
		if s == int32(b.park) {
			t.Fatal("the business district reaches into the industrial park")
		}
		if !slices.Contains(streets, s) {
			streets = append(streets, s)
		}
	}
	if len(streets) != 3 {
		t.Errorf("the business district lies across %d streets, want 3", len(streets))
	}
	var bd orb.Polygon
	for _, g := range b.out.Grids {
		if g.Code == "410103901000" {
			bd = g.Geometry[0]
		}
	}
	// About its target area, or 60% of three small streets; at small
	// scales, where three streets may meet only on the outline, it may need
	// more ground to reach all three.
	room := 0.0
	for _, s := range streets {
		room += planar.Area(geomOf(b, b.grids[s].code))
	}
	want := math.Min(bdAreaM2*b.opts.Scale, 0.6*room)
	hi := 1.1 * want
	if b.opts.Scale < 0.5 {
		hi = 5 * want
	}
	if a := planar.Area(bd); a < 0.95*want || a > hi {
		t.Errorf("business district area %.0f m², want about %.0f", a, want)
	}
}

func geomOf(b *build, code string) orb.MultiPolygon {
	for _, g := range b.out.Grids {
		if g.Code == code {
			return g.Geometry
		}
	}
	return nil
}

func checkUnits(t *testing.T, b *build) {
	micro := map[int32]orb.Polygon{}
	for i, g := range b.grids {
		if g.level == 4 && g.mode != domain.ModeOverlay {
			for _, og := range b.out.Grids {
				if og.Code == g.code {
					micro[int32(i)] = og.Geometry[0]
					break
				}
			}
		}
	}
	for i, u := range b.out.Units {
		p := u.Geometry.(orb.Point)
		a := b.units[i].atom
		atom := b.sub.Polygon(int(a))
		if !planar.PolygonContains(atom, p) || clearance(atom, p) < 1 {
			t.Fatalf("unit %d at %v is not 1 m inside its atom", u.ID, p)
		}
		if poly := micro[b.owner[3][a]]; !planar.PolygonContains(poly, p) {
			t.Fatalf("unit %d at %v is not inside its micro-grid", u.ID, p)
		}
	}
}

func checkFacilities(t *testing.T, b *build) {
	n := map[string]int{}
	for _, f := range b.out.Facilities {
		n[f.Type]++
		if !planar.PolygonContains(b.outline, f.Geometry) {
			t.Errorf("facility %s is outside the district", f.Name)
		}
		if f.Name == "" {
			t.Errorf("facility %d has no name", f.ID)
		}
	}
	streets, comms := 0, 0
	for _, g := range b.grids {
		switch g.role {
		case roleStreet:
			streets++
		case roleComm:
			comms++
		}
	}
	want := map[string]int{"district_service_centre": 1, "street_service_centre": streets, "community_service_centre": comms - 1}
	for _, e := range everyday {
		want[e.typ] = -1
	}
	for typ, c := range n {
		w, ok := want[typ]
		switch {
		case !ok:
			t.Errorf("unknown facility type %q", typ)
		case w >= 0 && c != w:
			t.Errorf("%d %s, want %d", c, typ, w)
		}
	}
	for typ := range want {
		if n[typ] == 0 {
			t.Errorf("no %s", typ)
		}
	}
}

func checkNetwork(t *testing.T, b *build, s float64) {
	d := b.out
	if n := float64(len(d.Nodes)) / s; n < 30000 || n > 45000 {
		t.Errorf("%d nodes at scale %v", len(d.Nodes), s)
	}
	for i, n := range d.Nodes {
		if n.ID != int64(i+1) {
			t.Fatalf("node %d has id %d", i, n.ID)
		}
	}
	parent := make([]int, len(d.Nodes)+1)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x], x = parent[parent[x]], parent[x]
		}
		return x
	}
	classes := []string{"primary", "secondary", "residential", "footway"}
	for i, e := range d.Edges {
		if e.ID != int64(i+1) || e.Source < 1 || e.Target < 1 || e.Source > int64(len(d.Nodes)) || e.Target > int64(len(d.Nodes)) {
			t.Fatalf("edge %d: bad ids %d %d→%d", i, e.ID, e.Source, e.Target)
		}
		p, q := d.Nodes[e.Source-1].Point, d.Nodes[e.Target-1].Point
		if len(e.Geometry) != 2 || e.Geometry[0] != p || e.Geometry[1] != q {
			t.Fatalf("edge %d geometry %v does not join its nodes %v %v", e.ID, e.Geometry, p, q)
		}
		if e.LengthM != math.Hypot(q[0]-p[0], q[1]-p[1]) || !(e.LengthM > 0) {
			t.Fatalf("edge %d length %v", e.ID, e.LengthM)
		}
		if !slices.Contains(classes, e.Highway) {
			t.Fatalf("edge %d highway %q", e.ID, e.Highway)
		}
		if !planar.PolygonContains(b.outline, orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}) {
			t.Fatalf("edge %d leaves the district", e.ID)
		}
		parent[find(int(e.Source))] = find(int(e.Target))
	}
	size := map[int]int{}
	biggest := 0
	for _, n := range d.Nodes {
		r := find(int(n.ID))
		size[r]++
		biggest = max(biggest, size[r])
	}
	if float64(biggest) < 0.9*float64(len(d.Nodes)) {
		t.Errorf("the largest connected part has %d of %d nodes", biggest, len(d.Nodes))
	}
	// Units are within ~150 m of the network: index edges in 200 m cells.
	const cell = 200.0
	idx := map[[2]int][]int{}
	for i, e := range d.Edges {
		a, c := e.Geometry[0], e.Geometry[1]
		for x := int(math.Floor(math.Min(a[0], c[0]) / cell)); x <= int(math.Floor(math.Max(a[0], c[0])/cell)); x++ {
			for y := int(math.Floor(math.Min(a[1], c[1]) / cell)); y <= int(math.Floor(math.Max(a[1], c[1])/cell)); y++ {
				idx[[2]int{x, y}] = append(idx[[2]int{x, y}], i)
			}
		}
	}
	far := 0
	for _, u := range d.Units {
		p := u.Geometry.(orb.Point)
		best := math.Inf(1)
		x, y := int(math.Floor(p[0]/cell)), int(math.Floor(p[1]/cell))
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				for _, i := range idx[[2]int{x + dx, y + dy}] {
					best = math.Min(best, planar.DistanceFromSegment(d.Edges[i].Geometry[0], d.Edges[i].Geometry[1], p))
				}
			}
		}
		if best > 150 {
			far++
		}
	}
	if float64(far) > 0.01*float64(len(d.Units)) {
		t.Errorf("%d of %d units are more than 150 m from the network", far, len(d.Units))
	}
}
