package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These helpers run gridplan as a real process, for the tests that signal
// or kill it: what a test calls in-process cannot be killed halfway.

// buildGridplan builds the command into a test directory.
func buildGridplan(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gridplan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a running gridplan command.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan error
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs bin with args; the process is killed when the test ends.
func start(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, exited: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

var servingLine = regexp.MustCompile(`gridplan serving on (http://[^/\s]+)/`)

// serve starts `gridplan serve` on a free loopback port and returns its
// base URL once it listens.
func serve(t *testing.T, bin string, args ...string) (*process, string) {
	t.Helper()
	p := start(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(p.stderr.String()); m != nil {
			return p, m[1]
		}
		select {
		case err := <-p.exited:
			t.Fatalf("gridplan serve exited: %v\n%s", err, p.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("gridplan serve does not listen:\n%s", p.stderr)
	return nil, ""
}

// wait waits for the process to exit within limit and returns its exit
// status and how long it took.
func (p *process) wait(t *testing.T, limit time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), time.Since(start)
	case <-time.After(limit):
		t.Fatalf("gridplan still running %v after the signal:\n%s", limit, p.stderr)
	}
	return 0, 0
}

// stuckReader asks for path and never reads the answer, with a tiny
// receive buffer so the server's writes block at once.
func stuckReader(t *testing.T, base, path string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
}

// adminToken makes user "tester" an admin of plan through the command line
// of the cluster in dir and returns a bearer token of theirs.
func adminToken(t *testing.T, dir, plan string) string {
	t.Helper()
	inProcess(t, 0, "user", "add", "tester", "--data-dir", dir, "--log-level", "warn")
	inProcess(t, 0, "grant", "tester", "--plan", plan, "--role", "admin", "--data-dir", dir, "--log-level", "warn")
	return strings.TrimSpace(inProcess(t, 0, "token", "create", "--user", "tester", "--data-dir", dir, "--log-level", "warn"))
}

// postJSON posts body to url with the bearer token.
func postJSON(url, token, body string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return http.DefaultClient.Do(req)
}

// stalledBody starts a request body, signed with the bearer token, and
// sends no more of it.
func stalledBody(t *testing.T, base, path, token string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"ops\":", path, addr, token)
}

// clusterState is what pg_controldata says of the cluster in pgdata:
// "shut down" after a clean stop.
func clusterState(t *testing.T, binDir, pgdata string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(binDir, "pg_controldata"), pgdata).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_controldata: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Database cluster state:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// inProcess runs the command line in this process with args as given
// (no database flags added), failing the test unless it exits with want.
func inProcess(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, &env{stdout: &out, stderr: &errOut}); code != want {
		t.Fatalf("gridplan %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errOut.String())
	}
	return out.String()
}
