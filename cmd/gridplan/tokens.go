package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/store"
)

// runToken manages bearer tokens.
func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"token needs a subcommand: create, list or revoke"}
	}
	var cfg Config
	fs := newFlags(e, "token "+args[0], &cfg)
	switch args[0] {
	case "create":
		user := fs.String("user", "", "the user the token acts as (required)")
		label := fs.String("label", "", "what the token is for (QGIS on a laptop, a script...)")
		expires := fs.String("expires", "90d", "lifetime: 90d, 12h, 30m, or never")
		if _, err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		if *user == "" {
			return usageError{"token create needs --user"}
		}
		ttl, err := access.ParseExpiry(*expires)
		if err != nil {
			return err
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			secret, t, err := acc.CreateToken(ctx, *user, *label, ttl)
			if err != nil {
				return err
			}
			// The secret on stdout alone (for scripts: TOKEN=$(gridplan token
			// create ...)); what it is on stderr.
			fmt.Fprintln(e.stdout, secret)
			fmt.Fprintf(e.stderr, "token %d for %s, %s; shown once: send it as Authorization: Bearer <token>\n",
				t.ID, t.User, describeExpiry(t.ExpiresAt))
			return nil
		})
	case "list":
		user := fs.String("user", "", "only this user's tokens")
		if _, err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			tokens, err := acc.Tokens(ctx, *user)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSER\tLABEL\tSTATE\tCREATED\tLAST USED")
			for _, t := range tokens {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Label, tokenState(t),
					t.CreatedAt.Format(time.DateTime), timeOrDash(t.LastUsedAt))
			}
			return tw.Flush()
		})
	case "revoke":
		pos, err := parseArgs(fs, args[1:], "ID")
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("token revoke: %q is not a token id (gridplan token list shows them)", pos[0])}
		}
		return withAccess(ctx, e, cfg, func(db *store.DB, acc *access.Service) error {
			if err := acc.RevokeToken(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "token %d revoked\n", id)
			return nil
		})
	}
	return usageError{fmt.Sprintf("unknown token subcommand %q: want create, list or revoke", args[0])}
}

func describeExpiry(t *time.Time) string {
	if t == nil {
		return "valid until revoked"
	}
	return "valid until " + t.Format(time.DateTime)
}

func tokenState(t store.Token) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked " + t.RevokedAt.Format(time.DateOnly)
	case t.ExpiresAt != nil && t.ExpiresAt.Before(time.Now()):
		return "expired"
	case t.ExpiresAt != nil:
		return "until " + t.ExpiresAt.Format(time.DateOnly)
	}
	return "until revoked"
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}

// runLog prints who changed what: the access log of a plan, or all of it.
func runLog(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "log", &cfg)
	limit := fs.Int("limit", 100, "the newest N lines")
	format := fs.String("format", "text", "text or json")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		if pos, err = parseArgs(fs, args); err != nil {
			return err
		}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", *format)}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		var planID int64
		if len(pos) == 1 {
			plan, err := db.Plan(ctx, pos[0])
			if err != nil {
				return err
			}
			planID = plan.ID
		}
		entries, err := db.Log(ctx, planID, max(*limit, 1))
		if err != nil {
			return err
		}
		if *format == "json" {
			if entries == nil {
				entries = []store.LogEntry{}
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(entries)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "AT\tPLAN\tACTOR\tEVENT\tSUBJECT\tDETAIL")
		for _, l := range entries {
			actor := l.Actor
			if l.Via != "" {
				actor += " (" + l.Via + ")"
			}
			detail, _ := json.Marshal(l.Detail)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.At.Format(time.DateTime), l.Plan, actor, l.Event, l.Subject, detail)
		}
		return tw.Flush()
	})
}
