package gisformat

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
)

// dbfNameLimit is the length of a DBF field name, in bytes.
const dbfNameLimit = 10

// fieldNamesExt is the sidecar that keeps the full names of the fields a
// Shapefile export had to shorten, as CSV rows "dbf_name,name". An import
// finds it beside the .shp and restores the names.
const fieldNamesExt = ".fields.csv"

// dbfNames gives property names DBF field names of at most 10 bytes in the
// DBF's encoding, the way GDAL launders them (cut to 10 bytes; on a clash
// with a name already taken, cut to 8 and add _1, _2, ...; names compared
// without case), but here, so the full names can be written down. A
// multi-byte character is never cut in two.
type dbfNames struct {
	encoding string
	short    map[string]string // full name -> DBF name
	taken    map[string]bool   // lower-cased DBF names in use
	renamed  [][2]string       // DBF name, full name, in order of first use
}

func newDBFNames(encoding string) *dbfNames {
	return &dbfNames{encoding: encoding, short: map[string]string{}, taken: map[string]bool{}}
}

// name returns the DBF field name of a property.
func (n *dbfNames) name(full string) string {
	if s, ok := n.short[full]; ok {
		return s
	}
	s := n.cut(full, dbfNameLimit)
	for i := 1; n.taken[strings.ToLower(s)]; i++ {
		suffix := "_" + strconv.Itoa(i)
		s = n.cut(full, dbfNameLimit-len(suffix)) + suffix
	}
	n.short[full] = s
	n.taken[strings.ToLower(s)] = true
	if s != full {
		n.renamed = append(n.renamed, [2]string{s, full})
	}
	return s
}

// cut returns the longest prefix of s that fits in limit bytes.
func (n *dbfNames) cut(s string, limit int) string {
	if encodedLen(s, n.encoding) <= limit {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && encodedLen(string(runes), n.encoding) > limit {
		runes = runes[:len(runes)-1]
	}
	return string(runes)
}

// writeSidecar writes the shortened names beside the .shp; nothing when
// every name fitted.
func (n *dbfNames) writeSidecar(base string) error {
	if len(n.renamed) == 0 {
		return nil
	}
	f, err := os.Create(base + fieldNamesExt)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"dbf_name", "name"})
	for _, r := range n.renamed {
		w.Write(r[:])
	}
	w.Flush()
	return errors.Join(w.Error(), f.Close())
}

// readFieldNames reads a sidecar back: DBF name -> full name.
func readFieldNames(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", path, err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err == nil && (len(rows) == 0 || len(rows[0]) != 2 || rows[0][0] != "dbf_name") {
		err = errors.New(`want a header "dbf_name,name" and one row per shortened field`)
	}
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", path, err)
	}
	names := make(map[string]string, len(rows)-1)
	for _, r := range rows[1:] {
		names[r[0]] = r[1]
	}
	return names, nil
}
