// Package pgcluster runs gridplan's embedded PostgreSQL/PostGIS instance: it
// finds the server binaries, initialises a cluster in a data directory, starts
// it on a private Unix socket, and stops it cleanly. Tests use the same code
// for throwaway clusters (see package pgtest).
package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// installHint is the one command that fixes a missing PostgreSQL or PostGIS
// on Debian 12, the supported platform.
const installHint = "apt-get install -y postgresql-15 postgresql-15-postgis-3"

// LocateBinDir finds the directory holding initdb, pg_ctl and postgres.
// It asks pg_config first and falls back to Debian's versioned directories,
// preferring the newest.
func LocateBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if hasServerBinaries(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, dir := range dirs {
		if hasServerBinaries(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them with: %s", installHint)
}

func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// CheckPostGIS reports a clear error when the PostGIS extension is not
// installed for the server in binDir.
func CheckPostGIS(binDir string) error {
	shareDir, err := shareDir(binDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(shareDir, "extension", "postgis.control")); err != nil {
		return fmt.Errorf("PostGIS is not installed for the PostgreSQL server in %s; install it with: %s", binDir, installHint)
	}
	return nil
}

// shareDir returns the server's share directory, where extensions live.
func shareDir(binDir string) (string, error) {
	if out, err := exec.Command(filepath.Join(binDir, "pg_config"), "--sharedir").Output(); err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	// Debian: /usr/lib/postgresql/15/bin -> /usr/share/postgresql/15
	version := filepath.Base(filepath.Dir(binDir))
	dir := filepath.Join("/usr/share/postgresql", version)
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("cannot find the share directory of the PostgreSQL server in %s", binDir)
	}
	return dir, nil
}
