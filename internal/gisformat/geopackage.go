package gisformat

import (
	"bytes"
	"context"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// sqliteMagic starts every SQLite database, and so every GeoPackage.
const sqliteMagic = "SQLite format 3\x00"

// openGeoPackage picks the layer to read and returns ogr2ogr's arguments.
// The layer's CRS comes with GDAL's GeoJSON as its "crs" member.
func openGeoPackage(ctx context.Context, in Input) ([]string, error) {
	layers, err := geoPackageLayers(ctx, in.Path)
	if err != nil {
		return nil, err
	}
	layer := in.Layer
	switch {
	case layer == "" && len(layers) == 1:
		layer = layers[0]
	case layer == "":
		return nil, domain.Errorf(domain.ErrInvalid, "%s has %d layers (%s): choose one with --layer", in.Path, len(layers), strings.Join(layers, ", "))
	case !slices.Contains(layers, layer):
		return nil, domain.Errorf(domain.ErrInvalid, "%s has no layer %q; its layers: %s", in.Path, layer, strings.Join(layers, ", "))
	}
	return []string{in.Path, layer}, nil
}

// geoPackageLayers lists a GeoPackage's layers as ogrinfo names them
// ("1: level_4 (Multi Polygon)"), refusing files that are no SQLite
// database before GDAL tries every driver it has on them.
func geoPackageLayers(ctx context.Context, path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", path, err)
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, []byte(sqliteMagic)) {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: not a GeoPackage (it does not start as an SQLite database does)", path)
	}
	out, err := run(ctx, nil, "ogrinfo", "-ro", "-q", path)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: GDAL cannot open it as a GeoPackage (truncated or damaged?): %v", path, err)
	}
	var layers []string
	for _, line := range strings.Split(string(out), "\n") {
		_, rest, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok {
			continue
		}
		if i := strings.LastIndex(rest, " ("); i > 0 && strings.HasSuffix(rest, ")") {
			rest = rest[:i]
		}
		layers = append(layers, rest)
	}
	if len(layers) == 0 {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: the GeoPackage has no layers", path)
	}
	return layers, nil
}

// checkLayerCRS refuses a layer whose CRS GDAL could not name by an EPSG
// code, rather than reading its coordinates as WGS84. A layer without a CRS,
// or in WGS84 (which GDAL's GeoJSON does not name), is read as WGS84.
func checkLayerCRS(ctx context.Context, path, layer string) error {
	out, err := run(ctx, nil, "ogrinfo", "-ro", "-so", path, layer)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: GDAL cannot read layer %q: %v", path, layer, err)
	}
	_, wkt, _ := strings.Cut(string(out), "Layer SRS WKT:\n")
	wkt, _, _ = strings.Cut(wkt, "Data axis to CRS axis mapping")
	wkt = strings.TrimSpace(wkt)
	if wkt == "" || wkt == "(unknown)" || strings.HasSuffix(wkt, `ID["EPSG",4326]]`) || strings.HasSuffix(wkt, `ID["OGC","CRS84"]]`) {
		return nil
	}
	name := wkt
	if i := strings.IndexAny(name, "\n"); i > 0 {
		name = name[:i]
	}
	return domain.Errorf(domain.ErrInvalid, "%s: layer %q has a CRS with no EPSG code (%s); give it with --source-crs EPSG:N",
		path, layer, strings.TrimSuffix(name, ","))
}
