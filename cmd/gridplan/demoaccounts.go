package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// The demo's accounts: a planner and an approver of plan demo with
// published passwords, made once by serve --demo on a loopback address, so
// the demo stays two commands. Because their passwords are in the README,
// a server on any other address refuses to start while they exist (remove
// them with gridplan user remove, or pass --allow-demo-accounts).
func demoAccounts() []struct {
	name, password string
	role           domain.Role
} {
	return []struct {
		name, password string
		role           domain.Role
	}{
		{"demo-planner", "planner-erqi-demo", domain.RolePlanner},
		{"demo-approver", "approver-erqi-demo", domain.RoleApprover},
	}
}

// loopback reports whether a listen address only takes connections from
// this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ensureDemoAccounts makes the demo's accounts on first use and says how
// to log in; the tokens it prints on first use are shown once.
func ensureDemoAccounts(ctx context.Context, e *env, db *store.DB, acc *access.Service, addr string) error {
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		return err
	}
	var made []string
	for _, a := range demoAccounts() {
		if _, err := db.User(ctx, a.name); err == nil {
			continue
		} else if domain.ErrorCode(err) != domain.ErrNotFound {
			return err
		}
		if _, err := acc.AddUser(ctx, a.name, []byte(a.password), true); err != nil {
			return err
		}
		if err := acc.Grant(ctx, a.name, plan, a.role, nil); err != nil {
			return err
		}
		made = append(made, a.name)
	}
	fmt.Fprintf(e.stderr, "demo accounts (log in at http://%s/login):\n", addr)
	for _, a := range demoAccounts() {
		fmt.Fprintf(e.stderr, "  %-14s password %-20s %s of plan demo\n", a.name, a.password, a.role)
	}
	for _, name := range made {
		secret, _, err := acc.CreateToken(ctx, name, "demo", 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "  token for scripts and QGIS, acting as %s (shown once): %s\n", name, secret)
	}
	if len(made) == 0 {
		fmt.Fprintln(e.stderr, "  tokens for scripts and QGIS: gridplan token create --user demo-planner")
	}
	return nil
}

// refuseDemoAccounts stops a server on a non-loopback address while
// accounts with published passwords exist.
func refuseDemoAccounts(ctx context.Context, db *store.DB, addr string, allow bool) error {
	if allow || loopback(addr) {
		return nil
	}
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	var demo []string
	for _, u := range users {
		if u.Demo {
			demo = append(demo, u.Name)
		}
	}
	if len(demo) == 0 {
		return nil
	}
	return domain.Errorf(domain.ErrInvalid, "refusing to serve on %s: the demo accounts %s have published passwords; remove them (gridplan user remove %s) or pass --allow-demo-accounts",
		addr, strings.Join(demo, ", "), demo[0])
}

// corsOrigins is --cors-origin, else GRIDPLAN_CORS_ORIGINS (comma-separated).
func corsOrigins(flagged []string) []string {
	if len(flagged) > 0 {
		return flagged
	}
	var out []string
	for _, o := range strings.Split(os.Getenv("GRIDPLAN_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
