package domain

import "github.com/paulmach/orb"

// Node is a vertex of a plan's walking network.
type Node struct {
	ID    int64
	Point orb.Point
}

// Edge is a walkable street segment between two nodes. Walking is two-way,
// so one edge serves both directions. Its columns follow pgRouting's naming
// (id, source, target, cost, reverse_cost) in the database.
type Edge struct {
	ID       int64
	Source   int64
	Target   int64
	LengthM  float64
	Highway  string // OSM highway class, or the demo's street/alley class
	OSMWay   int64  // source way id, 0 when not from OSM
	Geometry orb.LineString
}
