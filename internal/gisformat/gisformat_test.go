package gisformat

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDBFNames(t *testing.T) {
	tests := []struct {
		encoding string
		in, want []string
	}{
		{encUTF8, []string{"code", "households", "deviation_pct", "deviation_abc"}, []string{"code", "households", "deviation_", "deviatio_1"}},
		{encUTF8, []string{"备注说明信息", "楼层"}, []string{"备注说", "楼层"}},           // 3 bytes a character: 9 of 10
		{encGBK, []string{"备注说明信息", "备注说明信息2"}, []string{"备注说明信", "备注说明_1"}}, // 2 bytes a character
		{encUTF8, []string{"Name", "NAME"}, []string{"Name", "NAME_1"}},      // DBF names ignore case
	}
	for _, tt := range tests {
		n := newDBFNames(tt.encoding)
		for i, full := range tt.in {
			if got := n.name(full); got != tt.want[i] || encodedLen(got, tt.encoding) > dbfNameLimit {
				t.Errorf("%s: %q -> %q, want %q", tt.encoding, full, got, tt.want[i])
			}
		}
	}
	// The sidecar gives the full names back.
	dir := t.TempDir()
	n := newDBFNames(encUTF8)
	n.name("code")
	n.name("building_count")
	if err := n.writeSidecar(filepath.Join(dir, "grids")); err != nil {
		t.Fatal(err)
	}
	names, err := readFieldNames(filepath.Join(dir, "grids"+fieldNamesExt))
	if err != nil || len(names) != 1 || names["building_c"] != "building_count" {
		t.Errorf("sidecar read back as %v, %v", names, err)
	}
}

func TestCanonicalEncoding(t *testing.T) {
	for in, want := range map[string]string{"UTF-8": encUTF8, "utf8": encUTF8, "65001": encUTF8, "936": encGBK, "CP936": encGBK,
		"ANSI 936": encGBK, "GB2312": encGBK, "gbk": encGBK, "GB18030": encGB18030, "54936": encGB18030, "KOI8-R": "", "": ""} {
		if got, ok := canonicalEncoding(in); got != want || ok != (want != "") {
			t.Errorf("%q -> %q %v, want %q", in, got, ok, want)
		}
	}
}

// dbf builds a minimal dBASE III file with one character field.
func dbf(t *testing.T, field string, values ...[]byte) string {
	t.Helper()
	const width = 20
	header := make([]byte, 32+32+1)
	header[0] = 3
	binary.LittleEndian.PutUint32(header[4:], uint32(len(values)))
	binary.LittleEndian.PutUint16(header[8:], uint16(len(header)))
	binary.LittleEndian.PutUint16(header[10:], width+1)
	copy(header[32:43], field)
	header[43], header[48] = 'C', width
	header[64] = 0x0D
	b := header
	for _, v := range values {
		rec := []byte(" " + strings.Repeat(" ", width))
		copy(rec[1:], v)
		b = append(b, rec...)
	}
	path := filepath.Join(t.TempDir(), "t.dbf")
	if err := os.WriteFile(path, append(b, 0x1A), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDetectEncoding(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("二七区解放路街道")
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String("二七区\U00020000") // U+20000 is beyond GBK
	tests := []struct {
		name   string
		values [][]byte
		want   string
		err    string
	}{
		{"ASCII", [][]byte{[]byte("S1")}, encUTF8, ""},
		{"UTF-8", [][]byte{[]byte("二七区")}, encUTF8, ""},
		{"GBK", [][]byte{[]byte(gbk)}, encGBK, ""},
		{"GB18030", [][]byte{[]byte(gb18030)}, encGB18030, ""},
		{"Latin-1", [][]byte{[]byte("Caf\xe9 ")}, "", "neither UTF-8 nor GBK"},
	}
	for _, tt := range tests {
		got, err := detectEncoding(dbf(t, "NAME", tt.values...))
		if got != tt.want || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %q, %v; want %q %q", tt.name, got, err, tt.want, tt.err)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.dbf")
	os.WriteFile(bad, []byte("not a dbf"), 0o644)
	if _, err := detectEncoding(bad); err == nil || !strings.Contains(err.Error(), "not a dBASE file") {
		t.Errorf("damaged header: %v", err)
	}
}

func TestMatchedEPSG(t *testing.T) {
	tests := []struct {
		out     string
		epsg    int
		problem string
	}{
		{"\nEPSG:4547\n\n", 4547, ""},
		{"\nEPSG:-1\n\n", 0, "matches it to none"},
		{"\nConfidence in this match: 25 %\n\nEPSG:4543\n\nConfidence in this match: 25 %\n\nEPSG:4544\n\nEPSG:4545\n\nEPSG:4546\n", 0,
			"partial matches (EPSG:4543, EPSG:4544, EPSG:4545, … 4 in all)"},
		{"", 0, "names no EPSG code"},
	}
	for _, tt := range tests {
		epsg, problem := matchedEPSG(tt.out)
		if epsg != tt.epsg || !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
			t.Errorf("%q -> %d %q; want %d %q", tt.out, epsg, problem, tt.epsg, tt.problem)
		}
	}
}

func TestGDALMessages(t *testing.T) {
	stderr := "Warning 1: Value 'x' of field name has been truncated to 254 characters.\n" +
		"ERROR 1: database disk image is malformed\nERROR 1: again\nFAILURE:\nUnable to open datasource `x' with the following drivers.\n  -> GPKG\n"
	errLine, warnings := gdalMessages(stderr)
	if errLine != "database disk image is malformed" || len(warnings) != 1 || !strings.Contains(warnings[0], "truncated") {
		t.Errorf("got %q %q", errLine, warnings)
	}
	if errLine, _ := gdalMessages("FAILURE:\nUnable to open datasource `x.gpkg' with the following drivers.\n  -> FITS\n"); errLine != "Unable to open datasource `x.gpkg'" {
		t.Errorf("failure line: %q", errLine)
	}
}

func TestNewExport(t *testing.T) {
	tests := []struct {
		format, what string
		level        int
		crs, enc     string
		err          string
	}{
		{"shp", "", 4, "plan", "GBK", ""},
		{"GPKG", "units", 0, "EPSG:4547", "", ""},
		{"kml", "", 2, "", "", ""},
		{"xls", "", 0, "", "", `format "xls"`},
		{"kml", "", 0, "EPSG:4547", "", "by definition"},
		{"shp", "", 0, "4326x", "", `crs "4326x"`},
		{"shp", "units", 3, "", "", "level 3"},
		{"gpkg", "", 0, "", "GBK", "UTF-8 or GBK"},
		{"shp", "", 0, "", "GB18030", "UTF-8 or GBK"},
		{"csv", "roads", 0, "", "", `what "roads"`},
	}
	for _, tt := range tests {
		_, err := NewExport(tt.format, tt.what, tt.level, tt.crs, tt.enc)
		if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%+v: %v", tt, err)
		}
	}
}

func TestInputFormat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	tests := []struct {
		path string
		want Format
		err  string
	}{
		{write("a.geojson", "{}"), GeoJSON, ""},
		{write("a.geojsonl", "{}"), GeoJSON, ""},
		{write("a.SHP", ""), Shapefile, ""},
		{write("a.dbf", ""), "", "imported by its .shp"},
		{write("noext", "\x1e{\"type\":\"Feature\"}"), GeoJSON, ""},
		{write("db", "SQLite format 3\x00rest"), GeoPackage, ""},
		{write("shape", "\x00\x00\x27\x0a...."), Shapefile, ""},
		{write("notes.txt", "hello"), "", "not a format gridplan imports"},
	}
	for _, tt := range tests {
		got, err := inputFormat(tt.path)
		if got != tt.want || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %q %v", filepath.Base(tt.path), got, err)
		}
	}
}

func TestColumnType(t *testing.T) {
	tests := []struct {
		values []any
		want   string
	}{
		{[]any{int64(1), 2, nil}, "Integer"},
		{[]any{int64(1), int64(12345678901)}, "Integer64"},
		{[]any{1.5, int64(2)}, "Real"},
		{[]any{float64(3)}, "Integer"},
		{[]any{true, false}, "Integer(Boolean)"},
		{[]any{"东区", int64(7)}, "String(6)"},
		{[]any{map[string]any{"a": 1}}, `String(7)`},
		{[]any{strings.Repeat("长", 100)}, "String(254)"},
		{[]any{nil}, "String(1)"},
	}
	for _, tt := range tests {
		var c column
		for _, v := range tt.values {
			c.see(v)
		}
		if got := c.csvtType(); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.values, got, tt.want)
		}
	}
}
