// Package demo builds gridplan's synthetic demo district, deterministically
// from a seed: a district shaped like the real 二七区 (Erqi, Zhengzhou), with
// its real outline and its real street and community names and codes, and
// synthetic grids, residents, facilities and walking network inside.
//
// It sits beside the use-case packages: `gridplan demo` loads the embedded
// data with [Erqi], projects it to the plan's metric CRS with PostGIS, calls
// [Generate] and stores the result. The package itself is pure Go: no
// database, no projection code.
//
// How it stays exact: the outline is cut by an irregular ~40 m lattice into
// atoms ([geo.Arrange]); every grid of every level is a connected set of
// atoms, each level splitting the one above; polygons are dissolved from the
// atoms ([geo.Subdivision.Dissolve]), so each level tiles its parent with
// identical shared edges and no slivers, by construction.
//
// What is real and what is not: the outline and the 16 streets and 161
// communities of erqi_divisions.csv are real (see data/ATTRIBUTION.md). The
// 17th street, 金水源街道 (410103016000), exists today but is not in the CSV;
// the demo adds it with 14 synthetic communities. Everything inside — grids
// below community level, special grids, population, facilities, streets —
// is synthetic.
package demo
