package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// assemble dissolves each group of grids from the atoms in one pass, so
// neighbours in a group share identical edges, and writes the grids and
// units out.
func (b *build) assemble() error {
	geoms := make([]orb.Polygon, len(b.grids))
	labels := make([]int, b.at.n)
	for gr := range groups {
		for f := range labels {
			labels[f] = -1
		}
		var in []int
		for i := range b.grids {
			if b.group(i) != gr {
				continue
			}
			for _, f := range b.grids[i].atoms {
				if labels[f] >= 0 {
					return fmt.Errorf("grids %s and %s overlap", b.grids[in[labels[f]]].code, b.grids[i].code)
				}
				labels[f] = len(in)
			}
			in = append(in, i)
		}
		if gr < 4 && slices.Contains(labels, -1) {
			return fmt.Errorf("level %d does not cover the district", gr+1)
		}
		if len(in) == 0 {
			continue
		}
		polys, err := b.sub.Dissolve(labels, len(in))
		if err != nil {
			return fmt.Errorf("group %d: %w (%s)", gr, err, b.grids[in[0]].code)
		}
		for k, i := range in {
			geoms[i] = polys[k]
		}
	}

	order := make([]int, len(b.grids))
	for i := range order {
		order[i] = i
	}
	sortStable(order, func(i, j int) bool {
		gi, gj := &b.grids[i], &b.grids[j]
		if gi.level != gj.level {
			return gi.level < gj.level
		}
		return gi.code < gj.code
	})
	for k, i := range order {
		g := b.grids[i]
		if k > 0 && g.code == b.grids[order[k-1]].code {
			return fmt.Errorf("code %s is used twice", g.code)
		}
		parent := ""
		if g.parent >= 0 {
			parent = b.grids[g.parent].code
		}
		b.out.Grids = append(b.out.Grids, domain.Grid{ID: int64(k + 1), Code: g.code, Name: g.name, Level: g.level,
			Parent: parent, Kind: g.kind, Category: g.category, Mode: g.mode, Geometry: orb.MultiPolygon{geoms[i]}})
	}

	// Units are named after their community: 淮河社区12号楼 in town,
	// 娄河村3号院 in the country.
	seq := make([]int, len(b.grids))
	for i, u := range b.units {
		c := b.owner[1][u.atom]
		seq[c]++
		kind := "号楼"
		if u.urban < 0.4 {
			kind = "号院"
		}
		b.out.Units = append(b.out.Units, domain.Unit{ID: int64(i + 1),
			Name:    fmt.Sprintf("%s%d%s", strings.TrimSuffix(b.grids[c].name, "专属网格"), seq[c], kind),
			Persons: u.persons, Households: u.households,
			Properties: map[string]any{"kind": "residential"}, Geometry: u.p})
	}
	return nil
}

// assembleOutline dissolves every atom into one polygon: the district as
// the grids see it.
func (b *build) assembleOutline() error {
	polys, err := b.sub.Dissolve(make([]int, b.at.n), 1)
	if err != nil {
		return err
	}
	b.out.Outline = polys[0]
	return nil
}
