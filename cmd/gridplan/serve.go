package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/web"
)

// Shutdown on SIGTERM or SIGINT: requests in flight get shutdownGrace to
// finish; then their connections are closed (a client that reads nothing
// holds nothing) and their database work cancelled, and handlers get
// handlerDrain to return. The store closes and an embedded PostGIS this
// process started stops with a fast shutdown (a checkpoint: the cluster is
// consistent) after that, so the process exits within about
// shutdownGrace + handlerDrain + the cluster's own stop, 10 s in all.
const (
	shutdownGrace = 5 * time.Second
	handlerDrain  = 2 * time.Second
)

// defaultMemoryLimit is what a server holds itself to unless told: the
// scale-1 demo under load stays well within it.
const defaultMemoryLimit int64 = 1 << 30

// Connection limits: headers must arrive within readHeaderTimeout and a
// keep-alive connection may idle for idleTimeout. Bodies have their own
// deadline (httpapi), answers one per write (httpx.WriteIdle).
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
)

func runServe(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "serve", &cfg)
	addr := fs.String("addr", envOr("GRIDPLAN_ADDR", "127.0.0.1:8080"), "listen address (env GRIDPLAN_ADDR)")
	withDemo := fs.Bool("demo", false, "load the demo district first when the plan \"demo\" does not exist (and, on a loopback address, its demo accounts)")
	var origins multiFlag
	fs.Var(&origins, "cors-origin", "an origin whose pages may write, e.g. https://map.example.org (repeatable; env GRIDPLAN_CORS_ORIGINS, comma-separated)")
	private := fs.Bool("private", envOr("GRIDPLAN_PRIVATE", "") == "true", "reads need a signed-in user with a role on the plan (env GRIDPLAN_PRIVATE=true)")
	basemapURL := fs.String("basemap", envOr("GRIDPLAN_BASEMAP", ""), "tile URL template ({z}/{x}/{y}) the map draws under the grids: raster, or vector tiles in the OpenMapTiles schema (.pbf/.mvt); none by default (env GRIDPLAN_BASEMAP)")
	basemapDatum := fs.String("basemap-datum", envOr("GRIDPLAN_BASEMAP_DATUM", "wgs84"), "the basemap's datum: wgs84, or gcj02 for AMap and Tencent tiles (the map then asks for its overlays in GCJ-02)")
	basemapAttribution := fs.String("basemap-attribution", envOr("GRIDPLAN_BASEMAP_ATTRIBUTION", ""), "the basemap's attribution, shown in the map's corner")
	allowDemo := fs.Bool("allow-demo-accounts", false, "serve on a non-loopback address although the demo accounts (published passwords) exist")
	limit := defaultMemoryLimit
	if v := os.Getenv("GRIDPLAN_MEMORY_LIMIT"); v != "" {
		if n, err := parseBytes(v); err != nil {
			cfg.badEnv("GRIDPLAN_MEMORY_LIMIT", v, "a size such as 512MiB or 2GiB")
		} else {
			limit = n
		}
	}
	fs.Func("memory-limit", "memory the server holds itself to, e.g. 1GiB (env GRIDPLAN_MEMORY_LIMIT)", func(v string) (err error) {
		limit, err = parseBytes(v)
		return err
	})
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	basemap, err := httpapi.NewBasemap(*basemapURL, *basemapDatum, *basemapAttribution)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	// The garbage collector works harder as the heap nears the limit and
	// gives memory back to the system, and the caches are sized to leave
	// room below it (budgetOf), so the process stays within it under load.
	debug.SetMemoryLimit(limit)
	budget := budgetOf(limit)
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		auditor := newAuditor(db, budget.perCheck)
		acc := access.New(db, log, access.Options{})
		if *withDemo {
			if err := ensureDemo(ctx, e, db, auditor); err != nil {
				return err
			}
			if loopback(*addr) {
				if err := ensureDemoAccounts(ctx, e, db, acc, *addr); err != nil {
					return err
				}
			}
		}
		if err := refuseDemoAccounts(ctx, db, *addr, *allowDemo); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return domain.Errorf(domain.ErrInvalid, "listen on %s: %v", *addr, err)
		}
		// Requests run on their own context, cancelled only when the grace
		// period is over: a signal must not cut short what can finish.
		requests, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
		defer cancelRequests()
		var inFlight sync.WaitGroup
		opts := serverOptions(db, log, auditor, acc, budget)
		opts.Web, opts.CORSOrigins, opts.Private, opts.Basemap = web.Static(), corsOrigins(origins), *private, basemap
		handler := httpapi.New(db, log, opts)
		srv := &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inFlight.Add(1)
				defer inFlight.Done()
				handler.ServeHTTP(w, r)
			}),
			ReadHeaderTimeout: readHeaderTimeout,
			IdleTimeout:       idleTimeout,
			BaseContext:       func(net.Listener) context.Context { return requests },
		}
		fmt.Fprintf(e.stderr, "gridplan serving on http://%s/ (map at /map/)\n", ln.Addr())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ln) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
		}
		fmt.Fprintln(e.stderr, "shutting down...")
		graceCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(graceCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		cancelRequests()
		srv.Close()
		if !waitTimeout(&inFlight, handlerDrain) {
			log.Warn("requests still running at exit")
		}
		return nil
	})
}

// waitTimeout waits for wg at most d, reporting whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return true
	case <-time.After(d):
		return false
	}
}

// ensureDemo loads the demo district on first use and audits its balance
// and coverage once, so the map opens with the balance colours and any
// coverage findings already there.
func ensureDemo(ctx context.Context, e *env, db *store.DB, auditor *audit.Auditor) error {
	_, err := db.Plan(ctx, "demo")
	if domain.ErrorCode(err) != domain.ErrNotFound {
		return err
	}
	fmt.Fprintln(e.stderr, "loading the demo district (first run only)...")
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 1, Progress: e.stderr}); err != nil {
		return err
	}
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		return err
	}
	start := time.Now()
	report, err := auditor.Run(ctx, plan, []string{audit.Coverage, audit.Balance})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "audited coverage and balance in %.1fs: %d error(s)\n", time.Since(start).Seconds(), report.Errors())
	return nil
}
