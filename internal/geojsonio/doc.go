// Package geojsonio reads and writes gridplan's GeoJSON: the files the
// command line imports and exports and the feature collections the HTTP API
// serves. It sits between those surfaces (cmd/gridplan, internal/httpapi)
// and the domain types, and knows nothing about the database.
//
// Reading streams a FeatureCollection feature by feature with a json.Decoder,
// so files of millions of features are never held as one JSON document. It
// maps the user's property names (GridFields, UnitFields, FacilityFields) to
// domain fields and stops at the first bad feature with a one-line
// *domain.Error (code domain.ErrInvalid) naming the file, features[N] and the
// field as the user named it, e.g.
//
//	grids.geojson: features[12]: field "code": missing
//
// Numbers are read as json.Number, so numeric codes keep their exact decimal
// text (19-digit grid codes exceed float64 precision).
//
// Writing streams an RFC 7946 FeatureCollection. Coordinates are written with
// the shortest representation that reads back to the same float64, so
// export then import reproduces every vertex bit for bit and shared
// boundaries stay shared. Property names written are the default names read.
//
// Geometry decoding is paulmach/orb/geojson's; this package adds streaming,
// validation and the mapping to domain types. For speed the Writer encodes
// the stored geometry types without reflection, tested to match orb's output
// byte for byte, and leaves other geometries to orb.
package geojsonio
