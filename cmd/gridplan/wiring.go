package main

import (
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/store"
)

// newAuditor builds the audit with every available check on db. The same
// auditor serves the command line and the HTTP API, so both give the same
// report. Each check package registers itself here, and only here.
func newAuditor(db *store.DB) *audit.Auditor {
	return audit.New(map[string]audit.Checker{})
}
