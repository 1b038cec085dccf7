// Package geo is gridplan's pure-geometry library: plain functions and types
// on orb geometries, with no database, no HTTP and no globals.
//
// Its first concepts build seamless coverages exactly, by construction rather
// than by floating-point overlay:
//
//   - a [Lattice] of axis-parallel lines, nudged with [Lattice.Clear] so that no
//     polygon vertex or crossing comes close to a line or node;
//   - [Arrange], which cuts a polygon by a lattice into a [Subdivision] of
//     small faces, computing each crossing once so neighbouring faces share
//     their edges bit for bit;
//   - [Subdivision.Dissolve], which merges labelled faces into one polygon per
//     label by tracing the edges whose two sides carry different labels, so
//     neighbouring regions share identical vertices and a region's vertices on
//     its parent's boundary lie exactly on it.
//
// Coordinates are planar (metres in a projected CRS); nothing here knows
// about degrees.
package geo
