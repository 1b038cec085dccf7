// Package osmimport reads OpenStreetMap extracts (.osm.pbf, or .osm XML for
// small hand-written files) into a plan: the walkable street network, split
// at shared nodes into edges measured in metres in the plan's metric CRS,
// and optionally facilities picked by tags. It is a use-case package:
// cmd/gridplan calls it, it decodes with paulmach/osm and writes through the
// store.
package osmimport

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"github.com/gridplan/gridplan/internal/domain"
)

// Opener opens the extract; it is called once per pass (the reader makes
// two: ways first, then only the nodes they need).
type Opener func(pass string) (io.ReadCloser, error)

// Options say what to read.
type Options struct {
	// Facilities maps tags to facility types; empty reads no facilities.
	Facilities []TagType
	// Buildings also reads every building's centroid (OSM has no
	// population; tests use buildings as stand-in units).
	Buildings bool
}

// Extract is what an extract holds for gridplan, in WGS84.
type Extract struct {
	Nodes      []domain.Node // network nodes, by OSM node id
	Edges      []domain.Edge // LengthM is filled in by Measure
	Facilities []domain.Facility
	Buildings  []orb.Point
	Ways       int            // walkable ways read
	Skipped    map[string]int // ways left out, by reason
}

// way is a walkable way as kept between the passes.
type way struct {
	id      osm.WayID
	highway string
	nodes   []osm.NodeID
}

// area is a tagged way whose centroid becomes a facility or building.
type area struct {
	id    osm.WayID
	typ   string // facility type; "" for a building
	name  string
	tag   string
	nodes []osm.NodeID
}

// Read reads the extract that open opens; path names it in errors and
// decides the format (.pbf is the PBF format, anything else OSM XML).
func Read(ctx context.Context, path string, open Opener, opts Options) (*Extract, error) {
	x := &Extract{Skipped: map[string]int{}}
	var ways []way
	var areas []area
	refs := map[osm.NodeID]int32{} // uses of each node by walkable ways
	need := map[osm.NodeID]bool{}
	err := scan(ctx, path, open, "ways", false, func(o osm.Object) {
		w, ok := o.(*osm.Way)
		if !ok {
			return
		}
		if hw := w.Tags.Find("highway"); hw != "" {
			if reason := excluded(w.Tags); reason != "" {
				x.Skipped[reason]++
			} else {
				kept := way{id: w.ID, highway: hw}
				for i, n := range w.Nodes {
					if i > 0 && n.ID == w.Nodes[i-1].ID {
						continue // a doubled node would make a zero-length edge
					}
					kept.nodes = append(kept.nodes, n.ID)
					refs[n.ID]++
					need[n.ID] = true
				}
				ways = append(ways, kept)
			}
		}
		if a, ok := areaOf(w, opts); ok {
			areas = append(areas, a)
			for _, n := range a.nodes {
				need[n] = true
			}
		}
	})
	if err != nil {
		return nil, err
	}
	coords := make(map[osm.NodeID]orb.Point, len(need))
	err = scan(ctx, path, open, "nodes", true, func(o osm.Object) {
		n, ok := o.(*osm.Node)
		if !ok {
			return
		}
		if need[n.ID] {
			coords[n.ID] = orb.Point{n.Lon, n.Lat}
		}
		if typ, tag := match(n.Tags, opts.Facilities); typ != "" {
			x.Facilities = append(x.Facilities, facility(typ, n.Tags.Find("name"), tag, "node", int64(n.ID), orb.Point{n.Lon, n.Lat}))
		}
	})
	if err != nil {
		return nil, err
	}
	x.Ways = len(ways)
	split(x, ways, refs, coords)
	for _, a := range areas {
		c, ok := centroid(a.nodes, coords)
		if !ok {
			continue
		}
		if a.typ == "" {
			x.Buildings = append(x.Buildings, c)
		} else {
			x.Facilities = append(x.Facilities, facility(a.typ, a.name, a.tag, "way", int64(a.id), c))
		}
	}
	return x, nil
}

// scan runs fn on every object of one pass over the extract.
func scan(ctx context.Context, path string, open Opener, pass string, nodes bool, fn func(osm.Object)) error {
	r, err := open(pass)
	if err != nil {
		return err
	}
	defer r.Close()
	var sc osm.Scanner
	if strings.EqualFold(filepath.Ext(path), ".pbf") {
		p := osmpbf.New(ctx, r, 2)
		p.SkipRelations = true
		p.SkipNodes, p.SkipWays = !nodes, nodes
		sc = p
	} else {
		sc = osmxml.New(ctx, r)
	}
	defer sc.Close()
	for sc.Scan() {
		fn(sc.Object())
	}
	if err := sc.Err(); err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: not a readable OSM %s file: %v", path, format(path), err)
	}
	return nil
}

func format(path string) string {
	if strings.EqualFold(filepath.Ext(path), ".pbf") {
		return "PBF"
	}
	return "XML"
}

// split cuts the walkable ways into edges at every node that two ways (or
// one way twice) use and at way ends. A way running off the extract (nodes
// missing) is cut there too.
func split(x *Extract, ways []way, refs map[osm.NodeID]int32, coords map[osm.NodeID]orb.Point) {
	isNode := map[osm.NodeID]bool{}
	addNode := func(id osm.NodeID) {
		if !isNode[id] {
			isNode[id] = true
			x.Nodes = append(x.Nodes, domain.Node{ID: int64(id), Point: coords[id]})
		}
	}
	for _, w := range ways {
		var line orb.LineString
		var from osm.NodeID
		for i, id := range w.nodes {
			p, ok := coords[id]
			if !ok { // off the extract: the piece before was cut at its last node
				line = nil
				continue
			}
			if len(line) == 0 {
				line, from = orb.LineString{p}, id
				continue
			}
			line = append(line, p)
			if !hasNext(w.nodes, i, coords) || refs[id] > 1 {
				addNode(from)
				addNode(id)
				x.Edges = append(x.Edges, edge(len(x.Edges)+1, from, id, w, line))
				line, from = orb.LineString{p}, id
			}
		}
	}
}

// hasNext reports whether the way goes on after node i within the extract.
func hasNext(nodes []osm.NodeID, i int, coords map[osm.NodeID]orb.Point) bool {
	if i+1 >= len(nodes) {
		return false
	}
	_, ok := coords[nodes[i+1]]
	return ok
}

func edge(id int, from, to osm.NodeID, w way, line orb.LineString) domain.Edge {
	return domain.Edge{ID: int64(id), Source: int64(from), Target: int64(to), Highway: w.highway,
		OSMWay: int64(w.id), Geometry: line}
}

// centroid is the mean of a closed way's distinct vertices, good enough
// for a building-sized area; ok is false when a node is missing.
func centroid(nodes []osm.NodeID, coords map[osm.NodeID]orb.Point) (orb.Point, bool) {
	if len(nodes) > 1 && nodes[0] == nodes[len(nodes)-1] {
		nodes = nodes[:len(nodes)-1]
	}
	var c orb.Point
	for _, id := range nodes {
		p, ok := coords[id]
		if !ok {
			return c, false
		}
		c[0] += p[0]
		c[1] += p[1]
	}
	if len(nodes) == 0 {
		return c, false
	}
	return orb.Point{c[0] / float64(len(nodes)), c[1] / float64(len(nodes))}, true
}

func areaOf(w *osm.Way, opts Options) (area, bool) {
	if typ, tag := match(w.Tags, opts.Facilities); typ != "" {
		return area{id: w.ID, typ: typ, name: w.Tags.Find("name"), tag: tag, nodes: wayNodes(w)}, true
	}
	if opts.Buildings && w.Tags.Find("building") != "" && w.Tags.Find("building") != "no" {
		return area{id: w.ID, nodes: wayNodes(w)}, true
	}
	return area{}, false
}

func wayNodes(w *osm.Way) []osm.NodeID {
	ids := make([]osm.NodeID, len(w.Nodes))
	for i, n := range w.Nodes {
		ids[i] = n.ID
	}
	return ids
}

func facility(typ, name, tag, osmType string, id int64, p orb.Point) domain.Facility {
	return domain.Facility{Type: typ, Name: name, Geometry: p, Properties: map[string]any{
		"source": "openstreetmap", "osm_type": osmType, "osm_id": id, "osm_tag": tag}}
}

// String summarises the extract for the command line.
func (x *Extract) String() string {
	return fmt.Sprintf("%d walkable ways → %d nodes, %d edges; %d facilities", x.Ways, len(x.Nodes), len(x.Edges), len(x.Facilities))
}
