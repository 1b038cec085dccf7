package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything the commands share. Each value comes from a flag,
// else from the environment variable named beside it, else a default.
type Config struct {
	DatabaseURL      string        // --database-url, DATABASE_URL: use this PostGIS instead of the embedded one
	DataDir          string        // --data-dir, GRIDPLAN_DATA_DIR: where the embedded PostGIS lives
	StatementTimeout time.Duration // --statement-timeout, GRIDPLAN_STATEMENT_TIMEOUT
	LogLevel         slog.Level    // --log-level, GRIDPLAN_LOG_LEVEL
}

// defaultDataDir is under the user's data home. Root gets /var/lib/gridplan
// because the embedded server runs as the postgres account, which cannot
// enter /root.
func defaultDataDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/gridplan"
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gridplan")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "gridplan")
	}
	return filepath.Join(home, ".local", "share", "gridplan")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// register adds the shared flags to a command's flag set.
func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostGIS to use instead of the embedded one (env DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", envOr("GRIDPLAN_DATA_DIR", defaultDataDir()), "data directory of the embedded PostGIS (env GRIDPLAN_DATA_DIR)")
	timeout, err := time.ParseDuration(envOr("GRIDPLAN_STATEMENT_TIMEOUT", "5m"))
	if err != nil {
		timeout = 5 * time.Minute
	}
	fs.DurationVar(&c.StatementTimeout, "statement-timeout", timeout, "limit for each database statement (env GRIDPLAN_STATEMENT_TIMEOUT)")
	fs.Func("log-level", "debug, info, warn or error (env GRIDPLAN_LOG_LEVEL)", func(v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	})
	_ = c.LogLevel.UnmarshalText([]byte(envOr("GRIDPLAN_LOG_LEVEL", "info")))
}

// parseArgs parses flags anywhere among the arguments (DESIGN puts them
// after the positional ones, which the flag package alone does not allow)
// and checks the number of positional arguments.
func parseArgs(fs *flag.FlagSet, args []string, positional ...string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) != len(positional) {
		return nil, usageError{fmt.Sprintf("want %d argument(s) %s, got %d: %s", len(positional),
			strings.Join(positional, " "), len(pos), strings.Join(pos, " "))}
	}
	return pos, nil
}

// usageError is bad command-line usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
