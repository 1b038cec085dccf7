// Package suggest is gridplan's redistricting assistant: it proposes
// concrete edits that bring grids into their level's band (规模适度) and
// hands each one over as an ordinary change set of the editing layer,
// previewed there before a planner applies it.
//
//   - Split: an over-band grid into k parts, each within the band,
//     contiguous and compact, cut along streets of the walking network
//     or between buildings, never through a building and never through a
//     child grid unless asked; several alternatives, ranked, each a split
//     op with its lines.
//   - Merge (撤并): under-band siblings whose union is within the band and
//     all of whose residents can walk to the facility that would serve the
//     merged grid within the rule's minutes (a community service centre
//     within 10 minutes, say); a merge op keeping the grid of that
//     facility.
//   - Rebalance: a parent's children re-partitioned so that every child is
//     within the band, moving as few households and as little ground as it
//     can: reshape, create and merge ops that keep the codes of the
//     children that persist.
//
// How it works. The ground in question is cut into atoms: the child grids
// of the grids being changed (kept whole), or, for grids without children
// or when children may be split, blocks between the streets, a fine lattice
// and the existing boundaries, glued wherever a line would pass within half
// a metre of a building. PostGIS nodes all that linework once (the same
// polygonize the editing ops use) and geo.Faces gives the atoms' shared
// boundaries. The searches are pure functions over the atom graph
// (Graph, Partition): region growing and sweeps for splits, then a local
// search that moves boundary atoms between parts, keeping every part
// contiguous, first to close band gaps (with two-step ejection chains when
// no single move helps), then to undo needless moves and to shorten and
// straighten cuts, preferring streets. Walking times come from the circles
// check's network search (internal/circles). Nothing here writes: every
// proposal is previewed by editing.Service.Apply with dryRun, and a planner
// applies the one chosen.
//
//	cmd/gridplan, internal/httpapi -> internal/suggest -> internal/editing (previews, applies)
//	                                                   \-> internal/store (ground), internal/circles (walks), geo
package suggest
