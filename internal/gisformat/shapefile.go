package gisformat

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
)

// sidecar finds the file beside a Shapefile with the given extension, in
// lower or upper case (Windows tools write both); "" when there is none.
func sidecar(shp, ext string) string {
	base := strings.TrimSuffix(shp, filepath.Ext(shp))
	for _, e := range []string{strings.ToLower(ext), strings.ToUpper(ext)} {
		if _, err := os.Stat(base + e); err == nil {
			return base + e
		}
	}
	return ""
}

// openShapefile checks a Shapefile's sidecars and settles its encoding and
// long field names; it returns ogr2ogr's arguments for reading it. Its CRS
// is the one GDAL matches the .prj to (see Open).
func openShapefile(in Input, src *geojsonio.Source) ([]string, error) {
	shp := in.Path
	for _, ext := range []string{".shx", ".dbf"} {
		if sidecar(shp, ext) == "" {
			return nil, domain.Errorf(domain.ErrInvalid, "%s: its %s file is missing; a Shapefile is the .shp, .shx and .dbf "+
				"files side by side (with .prj and .cpg): copy every file named %s.*",
				shp, ext, strings.TrimSuffix(filepath.Base(shp), filepath.Ext(shp)))
		}
	}
	enc, err := shapefileEncoding(shp, in.Encoding, in.Notes)
	if err != nil {
		return nil, err
	}
	if names := sidecar(shp, fieldNamesExt); names != "" {
		if src.Rename, err = readFieldNames(names); err != nil {
			return nil, err
		}
	}
	return []string{shp, "-oo", "ENCODING=" + enc}, nil
}

// shapefileEncoding settles the DBF's encoding: the .cpg's when there is
// one, else --encoding, else the one its bytes are valid in, said on notes.
func shapefileEncoding(shp, flag string, notes io.Writer) (string, error) {
	if flag != "" {
		enc, ok := canonicalEncoding(flag)
		if !ok {
			return "", domain.Errorf(domain.ErrInvalid, "--encoding %q: want GBK, GB18030 or UTF-8", flag)
		}
		flag = enc
	}
	if cpg := sidecar(shp, ".cpg"); cpg != "" {
		b, err := os.ReadFile(cpg)
		if err != nil {
			return "", domain.Errorf(domain.ErrInvalid, "%s: %v", cpg, err)
		}
		named := strings.TrimSpace(string(b))
		enc, ok := canonicalEncoding(named)
		switch {
		case !ok:
			return "", domain.Errorf(domain.ErrInvalid, "%s names the encoding %q, which gridplan does not read; "+
				"write GBK, GB18030 or UTF-8 into it (or delete it and give --encoding)", cpg, named)
		case flag != "" && flag != enc:
			return "", domain.Errorf(domain.ErrInvalid, "%s says the text is %s but --encoding says %s; "+
				"correct or delete the .cpg, or drop --encoding", cpg, enc, flag)
		}
		return enc, nil
	}
	if flag != "" {
		return flag, nil
	}
	dbf := sidecar(shp, ".dbf")
	enc, err := detectEncoding(dbf)
	if err != nil {
		return "", err
	}
	if notes != nil {
		fmt.Fprintf(notes, "note: %s has no .cpg; its text reads as %s (detected; give --encoding to choose)\n", dbf, enc)
	}
	return enc, nil
}

// shapefileCRS reads the EPSG code the .prj stands for, as GDAL matches it
// against the EPSG database; a Shapefile without a .prj names no CRS, and
// its coordinates are read as WGS84 when they look like longitude/latitude.
func shapefileCRS(ctx context.Context, shp string, in Input) (geojsonio.CRS, error) {
	prj := sidecar(shp, ".prj")
	if prj == "" {
		if in.Notes != nil {
			fmt.Fprintf(in.Notes, "note: %s has no .prj; reading its coordinates as WGS84 longitude/latitude "+
				"(give --source-crs EPSG:N if they are not)\n", shp)
		}
		return geojsonio.CRS{}, nil
	}
	out, err := run(ctx, nil, "gdalsrsinfo", "-o", "epsg", prj)
	if err != nil {
		return geojsonio.CRS{}, domain.Errorf(domain.ErrInvalid, "%s: GDAL cannot read it: %v", prj, err)
	}
	epsg, problem := matchedEPSG(string(out))
	if problem != "" {
		return geojsonio.CRS{}, domain.Errorf(domain.ErrInvalid, "%s %s; give the CRS with --source-crs EPSG:N "+
			"(e.g. EPSG:4547 for CGCS2000 / 3-degree Gauss-Kruger CM 114E)", prj, problem)
	}
	crs, err := in.LookupCRS(epsg)
	if err != nil {
		return crs, domain.Errorf(domain.ErrInvalid, "%s is EPSG:%d: %s", prj, epsg, domain.ErrorMessage(err))
	}
	return crs, nil
}

// matchedEPSG reads gdalsrsinfo -o epsg: one "EPSG:N" line for a sure
// match, "EPSG:-1" for none, and a list of partial matches when the WKT
// leaves it open (a custom central meridian, say).
func matchedEPSG(out string) (int, string) {
	var codes []string
	for _, line := range strings.Split(out, "\n") {
		if code, ok := strings.CutPrefix(strings.TrimSpace(line), "EPSG:"); ok {
			codes = append(codes, code)
		}
	}
	if len(codes) == 1 {
		if n, err := strconv.Atoi(codes[0]); err == nil && n > 0 {
			return n, ""
		}
		return 0, "names no EPSG code: GDAL matches it to none"
	}
	if len(codes) == 0 {
		return 0, "names no EPSG code"
	}
	shown := codes
	if len(shown) > 3 {
		shown = shown[:3]
	}
	return 0, fmt.Sprintf("names no EPSG code exactly: GDAL finds only partial matches (EPSG:%s, … %d in all)",
		strings.Join(shown, ", EPSG:"), len(codes))
}
