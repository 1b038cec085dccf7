package gisformat

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/store"
)

// Input names a file to import and what the user said about it.
type Input struct {
	Path string
	// Layer is the GeoPackage layer to read; "" when the file has one.
	Layer string
	// Encoding is --encoding: the DBF's text encoding when no .cpg says.
	Encoding string
	// SourceCRS is --source-crs: the coordinates' EPSG code, overriding
	// what the file says; 0 when not given.
	SourceCRS int
	// LookupCRS resolves an EPSG code (the database knows which CRSs exist
	// and which are geographic).
	LookupCRS func(epsg int) (geojsonio.CRS, error)
	// Notes receives what gridplan decided about the input on its own (a
	// detected encoding, a missing .prj): the command line's stderr.
	Notes io.Writer
}

// Format is a file format gridplan reads or writes.
type Format string

// The formats.
const (
	GeoJSON    Format = "geojson"
	Shapefile  Format = "shp"
	GeoPackage Format = "gpkg"
	KML        Format = "kml"
	KMZ        Format = "kmz"
	CSV        Format = "csv"
)

// inputFormat tells a file's format from its extension, or else from its
// first bytes, so that a Shapefile is never parsed as JSON.
func inputFormat(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json", ".geojsonl", ".geojsons", ".geojsonseq", ".ndjson", ".jsonl":
		return GeoJSON, nil
	case ".shp":
		return Shapefile, nil
	case ".gpkg":
		return GeoPackage, nil
	case ".dbf", ".shx", ".prj", ".cpg":
		return "", domain.Errorf(domain.ErrInvalid, "%s: a Shapefile is imported by its .shp file: give %s",
			path, strings.TrimSuffix(path, filepath.Ext(path))+".shp")
	}
	head := make([]byte, 16)
	f, err := os.Open(path)
	if err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "%s: %v", path, errors.Unwrap(err))
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = bytes.TrimLeft(head[:n], "\ufeff\x1e \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return GeoPackage, nil
	case bytes.HasPrefix(head, []byte{0, 0, 0x27, 0x0a}):
		return Shapefile, nil
	case len(head) == 0 || head[0] == '{' || head[0] == '[':
		return GeoJSON, nil
	}
	return "", domain.Errorf(domain.ErrInvalid, "%s: not a format gridplan imports: give a Shapefile (.shp with its "+
		".shx and .dbf), a GeoPackage (.gpkg), GeoJSON (.geojson) or a GeoJSON text sequence (.geojsonl)", path)
}

// Reader is an opened input: GeoJSON text (straight from the file, or from
// GDAL's conversion of a Shapefile or GeoPackage layer) and how to read it.
type Reader struct {
	io.Reader
	// Source tells geojsonio the file's name, CRS and conventions.
	Source geojsonio.Source
	// Size is the input file's size, for a progress bar; Converted says
	// the stream is GDAL's GeoJSON, whose length is not known beforehand.
	Size      int64
	Converted bool
	// close waits for GDAL (if any) and releases the file.
	close func() error
}

// Open opens an input for reading. Every problem the user can fix (a
// missing sidecar, an unknown encoding, a .prj without an EPSG code, an
// unknown layer) is a one-line domain.ErrInvalid error naming the file.
func Open(ctx context.Context, in Input) (*Reader, error) {
	format, err := inputFormat(in.Path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(in.Path)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", in.Path, errors.Unwrap(err))
	}
	src := geojsonio.Source{File: in.Path, LookupCRS: in.LookupCRS}
	if in.SourceCRS != 0 {
		if src.CRS, err = in.LookupCRS(in.SourceCRS); err != nil {
			return nil, domain.Errorf(domain.ErrInvalid, "--source-crs: %s", domain.ErrorMessage(err))
		}
	}
	if in.Layer != "" && format != GeoPackage {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: --layer is for GeoPackages; this file has one layer", in.Path)
	}
	var args []string
	switch format {
	case GeoJSON:
		f, err := os.Open(in.Path)
		if err != nil {
			return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", in.Path, errors.Unwrap(err))
		}
		return &Reader{Reader: f, Source: src, Size: fi.Size(), close: f.Close}, nil
	case Shapefile:
		if args, err = openShapefile(in, &src); err != nil {
			return nil, err
		}
	case GeoPackage:
		if args, err = openGeoPackage(ctx, in); err != nil {
			return nil, err
		}
	}
	src.Tabular = true
	r, err := convert(ctx, in.Path, args)
	if err != nil {
		return nil, err
	}
	if src.CRS.EPSG == 0 && !r.namesCRS() {
		// GDAL names the EPSG code of the layer's CRS in a crs member,
		// which geojsonio looks up; without one, find out why.
		if format == Shapefile {
			src.CRS, err = shapefileCRS(ctx, in.Path, in)
		} else {
			err = checkLayerCRS(ctx, in.Path, args[1])
		}
		if err != nil {
			r.Close()
			return nil, err
		}
	}
	r.Source, r.Size, r.Converted = src, fi.Size(), true
	return r, nil
}

// convert starts ogr2ogr writing a layer as GeoJSON to its standard
// output, in the layer's own CRS and with every digit of every coordinate
// (17 significant figures read back to the same float64).
func convert(ctx context.Context, path string, args []string) (*Reader, error) {
	args = append([]string{"-f", "GeoJSON", "/vsistdout/", "-lco", "SIGNIFICANT_FIGURES=17", "-lco", "WRITE_NAME=NO"}, args...)
	cmd, stderr, err := command(ctx, "ogr2ogr", args...)
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &Reader{Reader: bufio.NewReaderSize(out, 64<<10)}
	r.close = func() error {
		// Stop GDAL when the reader gave up early (a bad feature), then
		// wait; GDAL's own failure is the cause of any reading error.
		io.Copy(io.Discard, out)
		err := finished("ogr2ogr", cmd.Wait(), stderr, nil)
		var ge *gdalError
		if errors.As(err, &ge) {
			return domain.Errorf(domain.ErrInvalid, "%s: GDAL cannot read it: %s", path, ge.message)
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("%s: ogr2ogr: %w", path, err)
		}
		return err
	}
	return r, nil
}

// namesCRS reports whether GDAL's GeoJSON names a CRS: its header, before
// "features", holds a crs member when GDAL matched the layer's CRS to an
// EPSG code.
func (r *Reader) namesCRS() bool {
	br, ok := r.Reader.(*bufio.Reader)
	if !ok {
		return false
	}
	head, _ := br.Peek(4096)
	features := bytes.Index(head, []byte(`"features"`))
	return features > 0 && bytes.Contains(head[:features], []byte(`"crs"`))
}

// Close waits for GDAL and releases the file. A GDAL failure comes back as
// a domain.ErrInvalid error naming the file.
func (r *Reader) Close() error { return r.close() }

// Read opens in, hands its features to read and closes it. GDAL's failure,
// when it failed, is the error: the truncated stream read caused is not.
// progress may wrap the stream (a progress bar: the file's size, and
// whether the stream's length is that size); nil leaves it.
func Read[T any](ctx context.Context, in Input, progress func(r io.Reader, size int64, exact bool) io.Reader,
	read func(src geojsonio.Source, r io.Reader) ([]T, geojsonio.CRS, error)) ([]T, geojsonio.CRS, error) {
	r, err := Open(ctx, in)
	if err != nil {
		return nil, geojsonio.CRS{}, err
	}
	var stream io.Reader = r
	if progress != nil {
		stream = progress(r, r.Size, !r.Converted)
	}
	items, crs, err := read(r.Source, stream)
	if cerr := r.Close(); cerr != nil {
		return nil, crs, cerr
	}
	return items, crs, err
}

// LookupCRS resolves EPSG codes in PostGIS, which transforms what imports
// read: a code it does not know could not be stored.
func LookupCRS(ctx context.Context, db *store.DB) func(epsg int) (geojsonio.CRS, error) {
	return func(epsg int) (geojsonio.CRS, error) {
		ref, err := db.SpatialRef(ctx, epsg)
		return geojsonio.CRS{EPSG: ref.EPSG, Geographic: ref.Geographic}, err
	}
}
