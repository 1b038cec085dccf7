// Package geo is gridplan's pure-geometry library: plain functions and types
// on orb geometries, with no database, no HTTP and no globals. The use-case
// packages (demo, coverage, balance, circles, tiles) load data through the
// store and hand it here.
//
// Building coverages exactly, by construction rather than floating-point
// overlay (the demo district):
//
//   - a [Lattice] of axis-parallel lines, nudged with [Lattice.Clear] so that no
//     polygon vertex or crossing comes close to a line or node;
//   - [Arrange], which cuts a polygon by a lattice into a [Subdivision] of
//     small faces, computing each crossing once so neighbouring faces share
//     their edges bit for bit;
//   - [Subdivision.Dissolve], which merges labelled faces into one polygon per
//     label by tracing the edges whose two sides carry different labels.
//
// Checking coverages (files coverage*): matching shared edges between
// neighbours so that only the places that fail need exact overlay
// ([CheckTiling]); comparing polygons up to noise ([Overlaps], [Covers]);
// measuring how thick a defect is ([Width]).
//
// Counting people (files balance*): locating units in grids, apportioning
// persons by area share with exact conservation, compactness.
//
// Walking (files network*, dijkstra*, snap*): a CSR walking graph,
// multi-source Dijkstra, nearest-edge snapping and greedy siting.
//
// Drawing (files topology*, gcj02*): simplifying shared boundaries once so
// neighbours never crack apart, and the GCJ-02 offset of Chinese web maps.
//
// Coordinates are planar (metres in a projected CRS) everywhere except the
// GCJ-02 conversion, which works in WGS84 degrees by definition.
package geo
