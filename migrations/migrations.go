// Package migrations embeds gridplan's schema migrations, applied in order by
// store.Migrate with jackc/tern.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"testing/fstest"
)

// files holds the numbered migration files.
//
//go:embed *.sql
var files embed.FS

var numbered = regexp.MustCompile(`^(\d+)_.+\.sql$`)

// FS returns the migrations, numbered without gaps as tern requires: a
// number that has no file (one given to a change that is not part of this
// build) is an empty step, so that every later number keeps its meaning
// and a database records the same version for the same schema.
func FS() (fs.FS, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{} // the standard library's in-memory file system

	have := map[int]bool{}
	highest := 0
	for _, e := range entries {
		m := numbered.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		body, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = &fstest.MapFile{Data: body, Mode: 0o444}
		n, _ := strconv.Atoi(m[1])
		have[n], highest = true, max(highest, n)
	}
	for n := 1; n < highest; n++ {
		if !have[n] {
			out[fmt.Sprintf("%03d_unused.sql", n)] = &fstest.MapFile{Data: []byte("SELECT 1; -- no change at this number\n"), Mode: 0o444}
		}
	}
	return out, nil
}
