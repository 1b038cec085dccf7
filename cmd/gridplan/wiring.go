package main

import (
	"log/slog"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
)

// newAuditor builds the audit with every available check on db, each
// keeping at most cacheBytes of plans in memory (0: the checks' own
// defaults). The same auditor serves the command line and the HTTP API, so
// both give the same report. Each check is registered here, and only here.
func newAuditor(db *store.DB, cacheBytes int64) *audit.Auditor {
	return audit.New(
		audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{CacheBytes: cacheBytes})},
		audit.Check{Name: audit.Balance, Checker: balance.New(db, balance.Options{CacheBytes: cacheBytes})},
		audit.Check{Name: audit.Circles, Checker: circles.New(db, circles.Options{CacheBytes: cacheBytes})},
	)
}

// memoryBudget splits a server's memory limit among what it keeps: an
// eighth each for the response cache, the tile layers and the three
// checks' plans, five eighths in all; the rest is room for the requests'
// own work and the garbage collector.
type memoryBudget struct{ responses, layers, perCheck int64 }

func budgetOf(limit int64) memoryBudget {
	return memoryBudget{responses: limit / 8, layers: limit / 8, perCheck: limit / 8}
}

// serverOptions are what a server on db holds to: the auditor's checks,
// the one write path, access control and its caches within budget. serve
// adds the web map and its own settings; the load check and the memory
// test serve the same.
func serverOptions(db *store.DB, log *slog.Logger, auditor *audit.Auditor, acc *access.Service, budget memoryBudget) httpapi.Options {
	return httpapi.Options{Auditor: auditor, Editing: newEditing(db, auditor, log), Access: acc,
		CacheBytes: budget.responses, LayerBytes: budget.layers}
}

// newEditing is the one write path, telling auditor's checks of every
// change set (nil: a command that audits nothing afterwards).
func newEditing(db *store.DB, auditor *audit.Auditor, log *slog.Logger) *editing.Service {
	return editing.New(db, auditor, log, editing.Options{})
}
