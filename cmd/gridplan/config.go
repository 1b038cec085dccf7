package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
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
	// envErr is the first environment variable whose value did not parse:
	// a bad value is refused (exit 2) rather than replaced by the default
	// without a word.
	envErr error
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
	timeout := 5 * time.Minute
	if v := os.Getenv("GRIDPLAN_STATEMENT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			c.badEnv("GRIDPLAN_STATEMENT_TIMEOUT", v, "a positive duration such as 30s or 5m")
		} else {
			timeout = d
		}
	}
	fs.DurationVar(&c.StatementTimeout, "statement-timeout", timeout, "limit for each database statement (env GRIDPLAN_STATEMENT_TIMEOUT)")
	fs.Func("log-level", "debug, info, warn or error (env GRIDPLAN_LOG_LEVEL)", func(v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	})
	if v := os.Getenv("GRIDPLAN_LOG_LEVEL"); v != "" && c.LogLevel.UnmarshalText([]byte(v)) != nil {
		c.badEnv("GRIDPLAN_LOG_LEVEL", v, "debug, info, warn or error")
	}
}

// badEnv records the first environment variable with a value that does
// not parse.
func (c *Config) badEnv(name, value, want string) {
	if c.envErr == nil {
		c.envErr = usageError{fmt.Sprintf("environment variable %s=%q: want %s", name, value, want)}
	}
}

// check refuses a configuration whose environment did not parse.
func (c *Config) check() error { return c.envErr }

// parseArgs parses flags anywhere among the arguments (the usage puts them
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

// parseBytes reads a size: a number of bytes, or one with a unit KiB,
// MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000).
func parseBytes(v string) (int64, error) {
	units := []struct {
		suffix string
		factor float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	s, factor := strings.TrimSpace(v), 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, factor = strings.TrimSpace(rest), u.factor
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 || n*factor > 1<<50 {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, or one with KiB, MiB, GiB, KB, MB or GB", v)
	}
	return int64(n * factor), nil
}
