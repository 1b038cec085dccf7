package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// runUser manages accounts.
func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"user needs a subcommand: add, list or remove"}
	}
	var cfg Config
	fs := newFlags(e, "user "+args[0], &cfg)
	switch args[0] {
	case "add":
		fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (without it: a token-only account)")
		pos, err := parseArgs(fs, args[1:], "USER")
		if err != nil {
			return err
		}
		var password []byte
		if *fromStdin {
			if password, err = readPassword(e.stdin); err != nil {
				return err
			}
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			if _, err := acc.AddUser(ctx, pos[0], password, false); err != nil {
				return err
			}
			kind := "token-only (no password)"
			if password != nil {
				kind = "with a password"
			}
			fmt.Fprintf(e.stdout, "user %s added, %s; give it a role with: gridplan grant %s --plan NAME --role planner\n", pos[0], kind, pos[0])
			return nil
		})
	case "list":
		if _, err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			users, err := db.Users(ctx)
			if err != nil {
				return err
			}
			grants, err := db.Grants(ctx, "")
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tLOGIN\tROLES")
			for _, u := range users {
				var roles []string
				for _, g := range grants {
					if g.User == u.Name {
						roles = append(roles, describeGrant(g))
					}
				}
				login := "password"
				if u.PasswordHash == "" {
					login = "token only"
				}
				if u.Demo {
					login += " (demo)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, login, strings.Join(roles, ", "))
			}
			return tw.Flush()
		})
	case "remove":
		pos, err := parseArgs(fs, args[1:], "USER")
		if err != nil {
			return err
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			if err := acc.RemoveUser(ctx, pos[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s removed, with its roles, tokens and sessions\n", pos[0])
			return nil
		})
	}
	return usageError{fmt.Sprintf("unknown user subcommand %q: want add, list or remove", args[0])}
}

func describeGrant(g store.UserGrant) string {
	s := g.Plan + ":" + g.Role
	if g.Scope != "" {
		s += "@" + g.Scope
	}
	return s
}

// readPassword reads the first line of standard input (as `echo pw |`
// or a password manager gives it), never echoing it.
func readPassword(in io.Reader) ([]byte, error) {
	if in == nil {
		return nil, usageError{"--password-stdin: standard input is empty"}
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return nil, err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, usageError{"--password-stdin: standard input is empty"}
	}
	return []byte(line), nil
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// runGrant gives a user a role on a plan (or takes roles away).
func runGrant(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "grant", &cfg)
	planName := fs.String("plan", "", "the plan (required)")
	roleName := fs.String("role", "", "viewer, planner, approver or admin")
	var scopes multiFlag
	fs.Var(&scopes, "scope", "a grid code whose subtree the role covers (repeatable; none: the whole plan)")
	revoke := fs.Bool("revoke", false, "take the user's roles on the plan away (those of --role, or all)")
	pos, err := parseArgs(fs, args, "USER")
	if err != nil {
		return err
	}
	if *planName == "" || (*roleName == "" && !*revoke) {
		return usageError{"grant needs --plan and --role (or --revoke)"}
	}
	var role domain.Role
	if *roleName != "" {
		if role, err = domain.ParseRole(*roleName); err != nil {
			return err
		}
	}
	return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
		plan, err := db.Plan(ctx, *planName)
		if err != nil {
			return err
		}
		if *revoke {
			n, err := acc.Ungrant(ctx, pos[0], plan, role)
			if err == nil {
				fmt.Fprintf(e.stdout, "%d role(s) of %s on plan %s taken away\n", n, pos[0], plan.Name)
			}
			return err
		}
		if err := acc.Grant(ctx, pos[0], plan, role, scopes); err != nil {
			return err
		}
		where := "the whole plan"
		if len(scopes) > 0 {
			where = "the subtrees of " + strings.Join(scopes, ", ")
		}
		fmt.Fprintf(e.stdout, "%s is %s of plan %s over %s\n", pos[0], role, plan.Name, where)
		return nil
	})
}

// withAccess runs fn with the store and the access service on it.
func withAccess(ctx context.Context, e *env, cfg Config, fn func(*store.DB, *access.Service) error) error {
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		return fn(db, access.New(db, newLogger(e.stderr, cfg.LogLevel), access.Options{}))
	})
}
