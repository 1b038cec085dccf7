package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
	"github.com/gridplan/gridplan/web"
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
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	basemap, err := httpapi.NewBasemap(*basemapURL, *basemapDatum, *basemapAttribution)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	return withStore(ctx, e, cfg, func(db *store.DB) error {
		auditor := newAuditor(db)
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
		srv := &http.Server{
			Handler: httpapi.New(db, log, httpapi.Options{Web: web.Static(), Auditor: auditor,
				Editing: newEditing(db, auditor, log), Access: acc, CORSOrigins: corsOrigins(origins), Private: *private, Basemap: basemap}),
			ReadHeaderTimeout: 10 * time.Second,
		}
		fmt.Fprintf(e.stderr, "gridplan serving on http://%s/ (map at /map/)\n", ln.Addr())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ln) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			fmt.Fprintln(e.stderr, "shutting down...")
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}
	})
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
