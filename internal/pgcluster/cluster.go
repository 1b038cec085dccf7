package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure a cluster.
type Options struct {
	// Dir is the gridplan data directory; the cluster lives in Dir/pgdata and
	// listens on a socket in Dir/run.
	Dir string
	// Port names the socket file (.s.PGSQL.<Port>). The server listens on no
	// TCP address, so the port cannot clash with other servers.
	Port int
	// Throwaway tunes the cluster for tests: no fsync, no durable commits.
	Throwaway bool
}

// Cluster is a running embedded PostgreSQL server.
type Cluster struct {
	opts    Options
	binDir  string
	account account
	// owned is true when this process started the server and must stop it.
	owned bool
}

// Database is the database gridplan keeps its data in.
const Database = "gridplan"

// Start initialises the cluster on first use, starts it unless it is already
// running (another gridplan process may own it), and makes sure the gridplan
// database exists.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Port == 0 {
		opts.Port = 5432
	}
	binDir, err := LocateBinDir()
	if err != nil {
		return nil, err
	}
	if err := CheckPostGIS(binDir); err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, binDir: binDir, account: acct}
	if err := c.prepareDirs(); err != nil {
		return nil, err
	}
	if err := c.initdb(); err != nil {
		return nil, err
	}
	if err := c.writeConfig(); err != nil {
		return nil, err
	}
	if !c.running() {
		if err := c.start(); err != nil {
			// Another process may have started it between our check and start.
			if !c.running() {
				return nil, err
			}
		} else {
			c.owned = true
		}
	}
	if err := c.createDatabase(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) pgdata() string    { return filepath.Join(c.opts.Dir, "pgdata") }
func (c *Cluster) socketDir() string { return filepath.Join(c.opts.Dir, "run") }
func (c *Cluster) logFile() string   { return filepath.Join(c.opts.Dir, "postgresql.log") }

func (c *Cluster) prepareDirs() error {
	if err := os.MkdirAll(c.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("data directory %s: %w", c.opts.Dir, err)
	}
	if err := c.account.checkReachable(c.opts.Dir); err != nil {
		return err
	}
	// The root of the data directory must be enterable by the server account.
	if err := os.Chmod(c.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("data directory %s: %w", c.opts.Dir, err)
	}
	if err := c.account.mkdirOwned(c.pgdata(), 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", c.pgdata(), err)
	}
	if err := c.account.mkdirOwned(c.socketDir(), 0o755); err != nil {
		return fmt.Errorf("socket directory %s: %w", c.socketDir(), err)
	}
	if len(filepath.Join(c.socketDir(), ".s.PGSQL.00000")) > 100 {
		return fmt.Errorf("data directory path %s is too long for a Unix socket; choose a shorter --data-dir", c.opts.Dir)
	}
	// The log file must be writable by the server account.
	f, err := os.OpenFile(c.logFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	f.Close()
	if c.account.switched {
		return os.Chown(c.logFile(), c.account.uid, c.account.gid)
	}
	return nil
}

func (c *Cluster) initdb() error {
	if _, err := os.Stat(filepath.Join(c.pgdata(), "PG_VERSION")); err == nil {
		return nil
	}
	args := []string{"-D", c.pgdata(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"}
	if c.opts.Throwaway {
		args = append(args, "--no-sync")
	}
	cmd := c.account.command(filepath.Join(c.binDir, "initdb"), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb %s failed: %v\n%s", c.pgdata(), err, lastLines(out, 15))
	}
	conf := filepath.Join(c.pgdata(), "postgresql.conf")
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("\ninclude_if_exists = 'gridplan.conf'\n")
	return err
}

// writeConfig (re)writes the settings gridplan owns, so a changed port or
// data directory takes effect on the next start.
func (c *Cluster) writeConfig() error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by gridplan at every start; edit postgresql.conf instead.\n")
	fmt.Fprintf(&b, "listen_addresses = ''\nport = %d\nunix_socket_directories = '%s'\n", c.opts.Port, c.socketDir())
	b.WriteString("shared_buffers = '512MB'\nwork_mem = '64MB'\nmaintenance_work_mem = '512MB'\n")
	b.WriteString("max_wal_size = '4GB'\njit = off\nmax_connections = 100\n")
	if c.opts.Throwaway {
		b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
	}
	path := filepath.Join(c.pgdata(), "gridplan.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return err
	}
	if c.account.switched {
		return os.Chown(path, c.account.uid, c.account.gid)
	}
	return nil
}

func (c *Cluster) running() bool {
	cmd := c.account.command(filepath.Join(c.binDir, "pg_ctl"), "status", "-D", c.pgdata())
	return cmd.Run() == nil
}

func (c *Cluster) start() error {
	cmd := c.account.command(filepath.Join(c.binDir, "pg_ctl"), "start", "-w", "-t", "60", "-D", c.pgdata(), "-l", c.logFile())
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(c.logFile())
		hint := ""
		if bytes.Contains(log, []byte("lock file")) {
			hint = fmt.Sprintf("\nIf no other gridplan or PostgreSQL uses %s, remove %s and try again.", c.pgdata(), filepath.Join(c.pgdata(), "postmaster.pid"))
		}
		return fmt.Errorf("PostgreSQL in %s did not start: %v\n%s\n%s%s", c.pgdata(), err, lastLines(out, 5), lastLines(log, 10), hint)
	}
	return nil
}

func (c *Cluster) createDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("connect to embedded PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", Database).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// CREATE DATABASE takes no parameters; the name is a constant.
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{Database}.Sanitize())
	var dup interface{ SQLState() string }
	if errors.As(err, &dup) && dup.SQLState() == "42P04" {
		return nil // created concurrently by another process
	}
	return err
}

// DSN returns the connection string for database db on this cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("host='%s' port=%d user=postgres dbname='%s' sslmode=disable", c.socketDir(), c.opts.Port, db)
}

// Owned reports whether this process started the server.
func (c *Cluster) Owned() bool { return c.owned }

// Stop shuts the server down (fast mode: sessions are cut, the cluster is
// left consistent) when this process started it; otherwise it does nothing.
func (c *Cluster) Stop() error {
	if !c.owned {
		return nil
	}
	c.owned = false
	cmd := c.account.command(filepath.Join(c.binDir, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", c.pgdata())
	done := make(chan error, 1)
	var out []byte
	go func() {
		var err error
		out, err = cmd.CombinedOutput()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("stop PostgreSQL in %s: %v\n%s", c.pgdata(), err, lastLines(out, 5))
		}
		return nil
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("stop PostgreSQL in %s: timed out", c.pgdata())
	}
}

// Remove stops the server and deletes the whole data directory. Tests use it.
func (c *Cluster) Remove() error {
	err := c.Stop()
	if rmErr := os.RemoveAll(c.opts.Dir); err == nil {
		err = rmErr
	}
	return err
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
