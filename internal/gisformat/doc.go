// Package gisformat reads and writes the file formats Chinese GIS staff
// exchange grids in: Shapefiles (GBK or UTF-8 DBFs, CGCS2000 Gauss-Krüger
// .prj files), GeoPackages, GeoJSON and GeoJSON text sequences in; GeoJSON,
// Shapefile, GeoPackage, KML/KMZ and CSV out; and whole-plan bundles
// (a GeoPackage of every table a plan is).
//
// GDAL does the format work through its command-line tools (ogr2ogr,
// ogrinfo, gdalsrsinfo): a Shapefile or GeoPackage layer is converted to
// GeoJSON in its own CRS and read by geojsonio, so every format is mapped
// to grids, units and facilities by the same code and reports problems in
// the same one-line style (file, features[N], field). Coordinates keep the
// file's CRS until the store's insert transforms them with PostGIS; exports
// are staged (as GeoJSON, or as CSV for the flat formats) and converted,
// and transformed with PROJ, by ogr2ogr. KML is written here with go-geom's encoding/kml, element by
// element, so large layers stream.
//
// What gridplan settles on its own is said on Input.Notes: the encoding it
// detected for a DBF without a .cpg, a Shapefile without a .prj read as
// WGS84. Everything the user can fix is a one-line domain.ErrInvalid error.
package gisformat
