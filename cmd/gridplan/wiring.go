package main

import (
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/balance"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/store"
)

// newAuditor builds the audit with every available check on db. The same
// auditor serves the command line and the HTTP API, so both give the same
// report. Each check package registers itself here, and only here.
func newAuditor(db *store.DB) *audit.Auditor {
	return audit.New(map[string]audit.Checker{
		audit.Coverage: coverage.New(db, coverage.Options{}),
		audit.Balance:  balance.New(db, balance.Options{}),
		audit.Circles:  circles.New(db, circles.Options{}),
	})
}
