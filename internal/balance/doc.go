// Package balance is the balance audit (规模适度): how many persons and
// households each grid holds, against its level's band, and which grids to
// split or merge. It plugs into the audit package as the "balance" check and
// sits between the surfaces and the store:
//
//	cmd/gridplan, internal/httpapi -> internal/audit -> internal/balance -> internal/store
//	                                                              \-> geo (point location, apportionment, compactness)
//
// How it counts. The checker reads a plan once per version — grids and
// units in the plan's metric CRS, plus, for polygon units under the
// area-share rule, each unit's overlap area with each grid (computed by
// GEOS in PostGIS) — and keeps them in memory with a point locator per
// level (geo.PointLocator). Every unit is then placed at every level:
//
//   - A point unit goes to the grid containing it. Base grids and carve-out
//     special grids tile a level, so a unit counts in exactly one of them;
//     on a boundary shared by several, the grid with the smallest code
//     takes it. Overlay special grids lie over the base grids and count
//     their units again, apart, once per group of overlay siblings.
//   - A polygon unit is split by the area each grid holds of it, the part
//     outside every grid being unassigned; persons and households are
//     apportioned by largest remainder (geo.Apportion), so they are
//     conserved to the person. Under the interior-point rule it counts
//     wholly where ST_PointOnSurface lies.
//   - Units in no grid of a level are unassigned population there: an
//     error, with the unit's place.
//
// The counts are kept per grid and per unit, so when one grid is edited
// (GridChanged) only the units under its old and new shapes are placed
// again and only the grid_stats rows and findings that changed are
// rewritten.
package balance
