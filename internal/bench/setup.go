package bench

import (
	"context"
	"net/http"
	"time"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/store"
)

// Setup is what a benchmark runs on: the store, the demo plan, the timed
// runs per measurement, and the command's own wiring for the benchmarks
// that need whole checks or a whole server.
type Setup struct {
	DB   *store.DB
	Plan domain.Plan
	Runs int
	// NewAuditor builds every check as the command wires them.
	NewAuditor func() *audit.Auditor
	// NewEditing builds the editing layer as the command wires it, on an
	// auditor.
	NewEditing func(*audit.Auditor) *editing.Service
	// NewHandler builds the HTTP surface as serve does, on an auditor.
	NewHandler func(*audit.Auditor) http.Handler
	// Token is a bearer token of an admin of Plan, for what writes over
	// HTTP (the load run's planner).
	Token func(context.Context) (string, error)
	// Duration is how long a load run lasts.
	Duration time.Duration
	// OneShot sets the collector as a command that runs once sets it
	// (`gridplan audit`) and returns what sets it back; nil leaves it.
	OneShot func() (restore func())
}

// Benchmark measures one capability against its reference.
type Benchmark func(ctx context.Context, s Setup) ([]Result, error)

// All lists what `gridplan bench` can measure, by name. Each capability's
// comparison is registered here, and only here.
func All() map[string]Benchmark {
	return map[string]Benchmark{
		"audit":    Audit,
		"balance":  Balance,
		"circles":  Circles,
		"coverage": Coverage,
		"edit":     Edit,
		"features": Features,
		"formats":  Formats,
		"load":     Load,
		"suggest":  Suggest,
	}
}
