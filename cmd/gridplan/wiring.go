package main

import (
	"log/slog"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

// newAuditor builds the audit with every available check on db. The same
// auditor serves the command line and the HTTP API, so both give the same
// report. Each check is registered here, and only here.
func newAuditor(db *store.DB) *audit.Auditor {
	return audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{})},
	)
}

// newEditing is the one write path, telling auditor's checks of every
// change set (nil: a command that audits nothing afterwards).
func newEditing(db *store.DB, auditor *audit.Auditor, log *slog.Logger) *editing.Service {
	return editing.New(db, auditor, log, editing.Options{})
}
