package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/internal/suggest"
)

const suggestUsage = "suggest NAME [--draft D] split|merge|rebalance CODE [--k N] [--split-children] [--rule TYPE:MINUTES] [--alternatives N] [--pick N] [--report] [--apply]"

// runSuggest asks the redistricting assistant for split, merge or
// rebalance proposals on a draft (or the published plan), previews each
// through the editing layer, and writes the chosen change set on stdout
// (the whole answer with --report), a summary on stderr; --apply puts the
// chosen change set into the draft.
func runSuggest(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "suggest", &cfg)
	draft := fs.String("draft", "", "draft to suggest for (made from the published plan when missing); default the published plan")
	k := fs.Int("k", 0, "split: number of parts (default: the fewest within the band)")
	splitChildren := fs.Bool("split-children", false, "split: cut through child grids too (they are split along the same lines)")
	rule := fs.String("rule", "", "merge: walking rule TYPE:MINUTES, one of the plan's circle rules (default: the level's service centre)")
	alternatives := fs.Int("alternatives", 0, "proposals wanted (default 3 for splits, 5 for merges)")
	pick := fs.Int("pick", 1, "which proposal to write (and apply), from 1")
	report := fs.Bool("report", false, "write the whole answer (every proposal, figures and previews) as JSON instead of one change set")
	apply := fs.Bool("apply", false, "apply the chosen change set to the draft through the editing layer")
	pos, err := parseArgs(fs, args, "NAME", "split|merge|rebalance", "CODE")
	if err != nil {
		return err
	}
	if *apply && *draft == "" {
		return usageError{"--apply needs --draft D: suggestions go into a draft, to be reviewed before publishing"}
	}
	if *k < 0 || (*k != 0 && pos[1] != suggest.KindSplit) {
		return usageError{fmt.Sprintf("--k %d: k is a split's number of parts, 2 or more", *k)}
	}
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		log := newLogger(e.stderr, cfg.LogLevel)
		auditor := newAuditor(db, 0)
		walks, _ := auditor.Checker(audit.Circles).(*circles.Checker)
		svc := suggest.New(db, newEditing(db, auditor, log), walks, log)
		plan, err := suggestView(ctx, e, db, svc, pos[0], *draft)
		if err != nil {
			return err
		}
		ans, err := svc.Suggest(ctx, plan, suggest.Request{Kind: pos[1], Code: pos[2], K: *k, SplitChildren: *splitChildren,
			Rule: *rule, Alternatives: *alternatives, Preview: true})
		if err != nil {
			return err
		}
		if err := ans.WriteText(e.stderr); err != nil {
			return err
		}
		if *report && !*apply {
			return writeIndented(e, ans)
		}
		chosen, err := suggest.Pick(ans, *pick)
		if err != nil {
			return err
		}
		if *apply {
			res, err := svc.Apply(ctx, plan, chosen)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "applied proposal %d to draft %q: revision %d, %d grid(s) changed\n", *pick, *draft, *res.Revision, len(res.Changed))
		}
		var out bytes.Buffer
		if err := json.Indent(&out, chosen.ChangeSet, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = e.stdout.Write(out.Bytes())
		return err
	})
}

// suggestView opens the draft (making it from the published plan when it
// does not exist yet) or the published plan.
func suggestView(ctx context.Context, e *env, db *store.DB, svc *suggest.Service, name, draft string) (domain.Plan, error) {
	plan, err := db.Plan(ctx, name)
	if err != nil || draft == "" {
		return plan, err
	}
	view, err := db.PlanView(ctx, name, domain.View{Draft: draft})
	if domain.ErrorCode(err) != domain.ErrNotFound {
		return view, err
	}
	if err := svc.CreateDraft(ctx, plan, draft); err != nil {
		return plan, err
	}
	fmt.Fprintf(e.stderr, "made draft %q from the published plan %q\n", draft, name)
	return db.PlanView(ctx, name, domain.View{Draft: draft})
}

func writeIndented(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
