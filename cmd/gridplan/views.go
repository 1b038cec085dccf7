package main

import (
	"context"
	"flag"
	"strconv"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// viewFlags are --draft and --revision, which every reading command takes:
// the plan as a draft or a past revision shows it.
type viewFlags struct {
	draft    *string
	revision *int
}

func addViewFlags(fs *flag.FlagSet) viewFlags {
	return viewFlags{
		draft:    fs.String("draft", "", "read this draft instead of the published plan"),
		revision: fs.Int("revision", 0, "read this past revision instead of the published plan"),
	}
}

func (v viewFlags) view() (domain.View, error) {
	switch {
	case *v.draft != "" && *v.revision != 0:
		return domain.View{}, usageError{"give --draft or --revision, not both"}
	case *v.revision < 0:
		return domain.View{}, usageError{"--revision must be a revision number (1, 2, ...)"}
	}
	return domain.View{Draft: *v.draft, Revision: *v.revision}, nil
}

// planView opens plan name as v shows it.
func planView(ctx context.Context, db *store.DB, name string, v viewFlags) (domain.Plan, error) {
	view, err := v.view()
	if err != nil {
		return domain.Plan{}, err
	}
	return db.PlanView(ctx, name, view)
}

// parseView reads a view named on the command line: "published" or a
// draft's name.
func parseView(s string) domain.View {
	if s == "published" {
		return domain.View{}
	}
	return domain.View{Draft: s}
}

// parseRevisionArg reads "published" (0) or a revision number.
func parseRevisionArg(s, what string) (int, error) {
	if s == "" || s == "published" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, usageError{what + " must be published or a revision number, not " + strconv.Quote(s)}
	}
	return n, nil
}
