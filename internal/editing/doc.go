// Package editing is gridplan's application layer for every write of a
// plan's grids: change sets of ops (reshape, move_boundary, split, merge,
// reparent, create, delete, rename, set) applied to a draft or the
// published plan in one transaction, with lineage, never-reused codes and
// the checks' figures before and after; drafts, publishing, reverting and
// diffs. The HTTP API, the command line and the OGC API's editing call
// it with the actor in the context, and nothing else writes grids.
//
// Ops keep every level's tiling exact by construction: the grids an op
// touches are noded together with the lines the planner drew (PostGIS),
// the faces in between are labelled with the grid each goes to, and the
// grids are traced back from the labels (geo.Faces), so neighbours share
// every vertex bit for bit; vertices a new boundary puts on an edge that
// other grids share are put into those grids too.
package editing
