// Package coverage is the coverage audit (docs/report.md, "coverage"): does every
// level of a plan tile its parent exactly — no gap, no overlap, nothing
// outside the parent — and are the grids valid, in one piece and correctly
// parented? It sits between the audit report and the store:
//
//	cmd/gridplan, internal/httpapi -> internal/audit -> coverage -> internal/store
//	                                                         \-> geo (edge matching)
//
// How it stays exact and fast: the plan's metric geometries are read once;
// for each parent, [geo.CheckTiling] matches the children's shared edges by
// hash and forgives floating-point noise (T-junctions, rounding); only the
// few places where edges fail to match go to PostGIS for exact overlay
// (store.CoverageWindows), in one round trip. Gaps and overlaps are then
// classed as errors or sliver warnings by the plan's tolerances.
//
// The Checker caches each plan's state keyed by its version, and implements
// audit.GridObserver: after one grid changes, only its siblings, its parent
// and its own children are checked again.
package coverage
