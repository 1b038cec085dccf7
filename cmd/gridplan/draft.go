package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

func runDraft(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"draft needs a subcommand: create, list, diff or publish"}
	}
	switch args[0] {
	case "create":
		return runDraftCreate(ctx, e, args[1:])
	case "list":
		return runDraftList(ctx, e, args[1:])
	case "diff":
		return runDraftDiff(ctx, e, args[1:])
	case "publish":
		return runDraftPublish(ctx, e, args[1:])
	case "discard":
		return runDraftDiscard(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown draft subcommand %q: want create, list, diff, publish or discard", args[0])}
}

func runDraftCreate(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "draft create", &cfg)
	from := fs.String("from", "published", "branch from the published plan or from revision N")
	message := fs.String("message", "", "what the draft is for")
	pos, err := parseArgs(fs, args, "NAME", "DRAFT")
	if err != nil {
		return err
	}
	rev, err := parseRevisionArg(*from, "--from")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		d, err := newEditing(db, nil, nil).CreateDraft(ctx, plan, pos[1], rev, *message)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created draft %q of plan %q from revision %d\n", d.Name, plan.Name, d.BaseRevision)
		return nil
	})
}

func runDraftList(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "draft list", &cfg)
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		ds, err := db.Drafts(ctx, plan.ID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "DRAFT\tSTATE\tBASE\tHEAD\tVERSION\tAUTHOR\tUPDATED\tMESSAGE")
		for _, d := range ds {
			fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", d.Name, d.State, d.BaseRevision, d.HeadRevision, d.Version,
				d.Author, d.UpdatedAt.Format("2006-01-02 15:04"), d.Message)
		}
		return w.Flush()
	})
}

func runDraftDiff(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "draft diff", &cfg)
	against := fs.String("against", "published", "compare with the published plan or revision N")
	format := fs.String("format", "json", "json, or geojson for the ground that moved")
	pos, err := parseArgs(fs, args, "NAME", "DRAFT")
	if err != nil {
		return err
	}
	rev, err := parseRevisionArg(*against, "--against")
	if err != nil {
		return err
	}
	if *format != "json" && *format != "geojson" {
		return usageError{"--format must be json or geojson"}
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		d, err := newEditing(db, nil, nil).Diff(ctx, plan, domain.View{Revision: rev}, parseView(pos[1]))
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if *format == "geojson" {
			return enc.Encode(d.GeoJSON())
		}
		return enc.Encode(d)
	})
}

func runDraftPublish(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "draft publish", &cfg)
	message := fs.String("message", "", "the published revision's message")
	pos, err := parseArgs(fs, args, "NAME", "DRAFT")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		auditor := newAuditor(db, 0)
		out, err := newEditing(db, auditor, nil).Publish(ctx, plan, pos[1], *message)
		if err != nil {
			return err
		}
		if len(out.Rebased) > 0 {
			fmt.Fprintf(e.stderr, "took in %d grid(s) published since the draft branched\n", len(out.Rebased))
		}
		fmt.Fprintf(e.stdout, "published draft %q as revision %d (%d grid(s) changed)\n", pos[1], out.Revision, len(out.Changed))
		return nil
	})
}

// runEdit applies a change set file to a draft ("published": the
// published plan) and prints the answer.
func runEdit(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "edit", &cfg)
	dry := fs.Bool("dry-run", false, "preview the change set: nothing is stored")
	pos, err := parseArgs(fs, args, "NAME", "DRAFT", "CHANGES.json")
	if err != nil {
		return err
	}
	body, err := os.ReadFile(pos[2])
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: %v", pos[2], err)
	}
	cs, err := editing.ParseChangeSet(body, false)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: %s", pos[2], domain.ErrorMessage(err))
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		plan, err := db.PlanView(ctx, pos[0], parseView(pos[1]))
		if err != nil {
			return err
		}
		res, err := newEditing(db, newAuditor(db, 0), nil).Apply(ctx, plan, cs, *dry)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	})
}

func runRevert(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "revert", &cfg)
	pos, err := parseArgs(fs, args, "NAME", "REV")
	if err != nil {
		return err
	}
	rev, err := parseRevisionArg(pos[1], "REV")
	if err != nil || rev == 0 {
		return usageError{"REV must be a revision number"}
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		n, changed, err := newEditing(db, nil, nil).Revert(ctx, plan, rev)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revision %d of plan %q restores revision %d (%d grid(s) changed)\n", n, plan.Name, rev, len(changed))
		return nil
	})
}

func runHistory(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "history", &cfg)
	grid := fs.String("grid", "", "one grid's states and lineage instead of the plan's revisions")
	draft := fs.String("draft", "", "only this draft's revisions")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		if *grid != "" {
			versions, lineage, err := db.GridHistory(ctx, plan.ID, *grid)
			if err != nil {
				return err
			}
			if len(versions) == 0 && len(lineage) == 0 {
				return domain.Errorf(domain.ErrNotFound, "plan %q has never had grid %q", plan.Name, *grid)
			}
			fmt.Fprintln(w, "REVISION\tDRAFT\tKIND\tAUTHOR\tDATE\tNAME\tPARENT\tAREA_M2\tMESSAGE")
			for _, v := range versions {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n", v.Revision, v.Draft, v.Kind, v.Author,
					v.CreatedAt.Format("2006-01-02 15:04"), v.Name, v.Parent, v.AreaM2, v.Message)
			}
			w.Flush()
			fmt.Fprintln(e.stdout)
			return editing.WriteLineageCSV(e.stdout, lineage)
		}
		revs, err := db.Revisions(ctx, plan.ID, *draft)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "REVISION\tPARENT\tDRAFT\tKIND\tAUTHOR\tDATE\tGRIDS\tMESSAGE")
		for _, r := range revs {
			parent := "-"
			if r.Parent != nil {
				parent = fmt.Sprint(*r.Parent)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Number, parent, r.Draft, r.Kind, r.Author,
				r.CreatedAt.Format("2006-01-02 15:04"), r.Grids, r.Message)
		}
		return w.Flush()
	})
}

func runLineage(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "lineage", &cfg)
	format := fs.String("format", "csv", "csv (a correspondence table) or json")
	draft := fs.String("draft", "", "also the rows of this draft's revisions")
	pos, err := parseArgs(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usageError{"--format must be csv or json"}
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		rows, err := db.Lineage(ctx, plan.ID, "", *draft)
		if err != nil {
			return err
		}
		if *format == "json" {
			if rows == nil {
				rows = []store.LineageRow{}
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rows)
		}
		return editing.WriteLineageCSV(e.stdout, rows)
	})
}

func runDraftDiscard(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "draft discard", &cfg)
	pos, err := parseArgs(fs, args, "NAME", "DRAFT")
	if err != nil {
		return err
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		if _, err := newEditing(db, nil, nil).DiscardDraft(ctx, plan, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "discarded draft %q of plan %q (its revisions and codes stay in the history)\n", pos[1], pos[0])
		return nil
	})
}
