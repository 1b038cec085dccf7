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
