package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// withStdin runs the command line with standard input in.
func withStdin(t *testing.T, dsn, in string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--database-url", dsn, "--log-level", "warn")
	code := run(context.Background(), args, &env{stdin: strings.NewReader(in), stdout: &out, stderr: &errOut})
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// Accounts, grants and tokens from the command line, which acts as the
// local administrator ("cli" in the log); a token is printed once and
// never again.
func TestAccountCommands(t *testing.T) {
	dsn := srv.NewDSN(t)
	grids := writeFile(t, "grids.geojson", `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"S1","name":"一街","level":1},"geometry":{"type":"Polygon","coordinates":[[[113.60,34.70],[113.61,34.70],[113.61,34.71],[113.60,34.71],[113.60,34.70]]]}}]}`)
	for _, args := range [][]string{{"plan", "create", "town"}, {"import", "grids", "town", grids}} {
		if r := gridplan(t, dsn, args...); r.code != 0 {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	var printed []string
	steps := []struct {
		args   []string
		stdin  string
		code   int
		output string
	}{
		{[]string{"user", "add", "alice", "--password-stdin"}, "a long password\n", 0, "with a password"},
		{[]string{"user", "add", "bot"}, "", 0, "token-only"},
		{[]string{"user", "add", "cli"}, "", 2, "reserved"},
		{[]string{"user", "add", "carol", "--password-stdin"}, "short\n", 2, "at least 10"},
		{[]string{"grant", "alice", "--plan", "town", "--role", "planner", "--scope", "S1"}, "", 0, "planner of plan town over the subtrees of S1"},
		{[]string{"grant", "alice", "--plan", "town", "--role", "planner", "--scope", "NOPE"}, "", 2, "no such grid"},
		{[]string{"grant", "alice", "--plan", "town", "--role", "boss"}, "", 2, "want viewer, planner, approver or admin"},
		{[]string{"grant", "nobody", "--plan", "town", "--role", "viewer"}, "", 2, "no user"},
		{[]string{"grant", "bot", "--plan", "town", "--role", "approver"}, "", 0, "approver of plan town over the whole plan"},
		{[]string{"token", "create", "--user", "bot", "--label", "ci", "--expires", "90d"}, "", 0, "gpt_"},
		{[]string{"token", "create", "--user", "bot", "--expires", "soon"}, "", 2, "expires"},
		{[]string{"token", "list"}, "", 0, "bot"},
		{[]string{"user", "list"}, "", 0, "town:planner@S1"},
		{[]string{"token", "revoke", "1"}, "", 0, "revoked"},
		{[]string{"token", "revoke", "7"}, "", 2, "no token 7"},
		{[]string{"token", "list", "--user", "bot"}, "", 0, "revoked"},
		{[]string{"grant", "bot", "--plan", "town", "--revoke"}, "", 0, "1 role(s)"},
		{[]string{"log", "town"}, "", 0, "cli (cli)"},
		{[]string{"log", "--format", "json"}, "", 0, `"event": "token_revoke"`},
	}
	for _, s := range steps {
		r := withStdin(t, dsn, s.stdin, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout+r.stderr, s.output) {
			t.Errorf("%v: %d\n%s%s\nwant %d mentioning %q", s.args, r.code, r.stdout, r.stderr, s.code, s.output)
		}
		printed = append(printed, r.stdout+r.stderr)
	}
	token := strings.TrimSpace(printed[9])
	for i, out := range printed {
		if i != 9 && strings.Contains(out, token[4:]) {
			t.Errorf("%v printed the token again", steps[i].args)
		}
	}
	log := printed[17]
	for _, want := range []string{"grant", "ungrant", "import"} {
		if !strings.Contains(log, want) {
			t.Errorf("log town lacks %s:\n%s", want, log)
		}
	}
}

// The demo's accounts have published passwords: a server on another
// address than loopback refuses to start while they exist.
func TestDemoAccountsOnlyOnLoopback(t *testing.T) {
	db, err := store.Open(context.Background(), srv.NewDSN(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := domain.WithActor(context.Background(), domain.CLIActor())
	if _, err := access.New(db, nil, access.Options{}).AddUser(ctx, "demo-planner", []byte("planner-erqi-demo"), true); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		addr  string
		allow bool
		ok    bool
	}{
		{"127.0.0.1:8080", false, true}, {"localhost:8080", false, true}, {"[::1]:8080", false, true},
		{"0.0.0.0:8080", false, false}, {":8080", false, false}, {"192.0.2.1:80", false, false}, {"0.0.0.0:8080", true, true},
	}
	for _, c := range cases {
		err := refuseDemoAccounts(ctx, db, c.addr, c.allow)
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), "demo-planner")) {
			t.Errorf("serve on %s (allow %v): %v", c.addr, c.allow, err)
		}
	}
}
