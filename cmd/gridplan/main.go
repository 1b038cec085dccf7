// Command gridplan keeps a district's governance grids in PostGIS, audits
// their coverage, balance and service circles, and serves them to the web
// map and GIS tools. Run "gridplan help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gridplan/gridplan/internal/domain"
)

// Exit statuses. Scripts depend on them (README, docs/report.md).
const (
	exitOK       = 0
	exitFindings = 1 // audit found errors
	exitBadInput = 2 // bad usage or input; nothing was changed
	exitFailure  = 3 // could not run (database down, disk full, ...)
)

// command is one subcommand.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *env, args []string) error
}

// env is what a command needs from the process: its streams.
type env struct {
	stdin          io.Reader // nil: empty (tests)
	stdout, stderr io.Writer
	stderrIsTTY    bool
}

func commands() []command {
	return []command{
		{"serve", "serve [--addr 127.0.0.1:8080] [--demo] [--cors-origin URL]... [--private] [--allow-demo-accounts]", "serve the HTTP API and the web map", runServe},
		{"demo", "demo [--plan demo] [--seed 1] [--scale 1] [--replace]", "load the synthetic Erqi-like demo district", runDemo},
		{"plan", "plan create NAME [--crs EPSG:4547] [--boundary FILE.geojson] [--title T] | plan list | plan delete NAME | plan level NAME N [--min-persons N --max-persons N --min-households N --max-households N --target-persons N --name S] | plan balance NAME [--polygon-units area_share|interior_point]", "manage plans, their levels' bands and balance settings", runPlan},
		{"import", "import grids|units|facilities NAME FILE.shp|.gpkg|.geojson|.geojsonl [field flags] [--layer L] [--encoding GBK|GB18030|UTF-8] [--source-crs EPSG:N] | import osm NAME FILE.osm.pbf [--facilities] | import bundle NEWNAME FILE.gpkg",
			"import a Shapefile, GeoPackage, GeoJSON, an OSM extract or a plan bundle", runImport},
		{"rule", "rule add NAME --facility-type T --minutes M [--speed-m-per-min 80] [--target-pct 85] | rule list NAME | rule remove NAME --facility-type T --minutes M", "manage a plan's service-circle rules", runRule},
		{"audit", "audit NAME [--checks coverage,balance,circles] [--format json|text]", "audit a plan; exit 1 when errors are found", runAudit},
		{"coverage-settings", "coverage-settings NAME [--sliver-area-m2 X] [--sliver-width-m X] [--noise-m X] [--mask FILE.geojson | --clear-mask]",
			"show or set the coverage audit's tolerances and allowed-gap mask", runCoverageSettings},
		{"draft", "draft create NAME DRAFT [--from published|REV] [--message M] | draft list NAME | draft diff NAME DRAFT [--against published|REV] [--format json|geojson] | draft publish NAME DRAFT [--message M] | draft discard NAME DRAFT",
			"branch, list, compare, publish and discard drafts", runDraft},
		{"edit", "edit NAME DRAFT CHANGES.json [--dry-run]", "apply a change set to a draft (or to published); prints the preview or commit answer", runEdit},
		{"revert", "revert NAME REV", "publish a new revision equal to revision REV", runRevert},
		{"history", "history NAME [--grid CODE] [--draft D]", "list the plan's revisions, or one grid's states and lineage", runHistory},
		{"lineage", "lineage NAME [--format csv|json] [--draft D]", "the lineage table: old code, new code, revision, date, op, households share", runLineage},
		{"user", "user add USER [--password-stdin] | user list | user remove USER", "manage accounts (no password: token-only)", runUser},
		{"grant", "grant USER --plan NAME --role viewer|planner|approver|admin [--scope CODE]... | grant USER --plan NAME --revoke [--role R]",
			"give or take a user's role on a plan, optionally scoped to grid subtrees", runGrant},
		{"token", "token create --user USER [--label L] [--expires 90d|never] | token list [--user USER] | token revoke ID",
			"manage bearer tokens (printed once at creation)", runToken},
		{"log", "log [NAME] [--limit 100] [--format text|json]", "who changed what: a plan's access log (all of it without NAME)", runLog},
		{"suggest", suggestUsage, "propose splits, merges and rebalancing as change sets for a draft", runSuggest},
		{"bench", "bench audit|balance|circles|coverage|edit|features|formats|load|suggest [--scale 1] [--runs 5] [--duration 20s]", "measure gridplan against its reference on the demo district", runBench},
		{"export", "export NAME [--format geojson|shp|gpkg|kml|kmz|csv] [--level N] [--what grids|units|facilities|findings] [--crs EPSG:N|plan] [--encoding UTF-8|GBK] [-o FILE|DIR] | export NAME --bundle FILE.gpkg",
			"export a plan as GeoJSON, Shapefile, GeoPackage, KML/KMZ or CSV, or whole as a bundle", runExport},
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] != "serve" && os.Args[1] != "bench" {
		oneShotGC() // a server keeps the default; bench sets each measurement's own
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stderrIsTTY: isTerminal(os.Stderr)})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return exitBadInput
		}
		return exitOK
	}
	// The command line holds the database: it acts as a local administrator.
	ctx = domain.WithActor(ctx, domain.CLIActor())
	for _, c := range commands() {
		if c.name == args[0] {
			return exitStatus(e, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "gridplan: unknown command %q; run \"gridplan help\"\n", args[0])
	return exitBadInput
}

// exitStatus is the one place where errors become exit statuses and their
// one-line message.
func exitStatus(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	var findings findingsError
	if errors.As(err, &findings) {
		return exitFindings
	}
	var usage usageError
	if errors.As(err, &usage) {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "gridplan: %v\n", err)
		}
		return exitBadInput
	}
	switch domain.ErrorCode(err) {
	case domain.ErrInvalid, domain.ErrNotFound, domain.ErrConflict, domain.ErrPrecondition, domain.ErrTooLarge, domain.ErrRefused,
		domain.ErrUnauthorized, domain.ErrForbidden, domain.ErrTooMany:
		fmt.Fprintf(e.stderr, "gridplan: %s\n", domain.ErrorMessage(err))
		return exitBadInput
	}
	fmt.Fprintf(e.stderr, "gridplan: %v\n", err)
	return exitFailure
}

// findingsError makes a command exit 1 without a message: the report said it all.
type findingsError struct{}

func (findingsError) Error() string { return "errors found" }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "gridplan keeps governance grids in PostGIS, audits them and serves them.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  gridplan %s\n      %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --data-dir, --database-url, --statement-timeout and --log-level.")
	fmt.Fprintln(w, "Exit status: 0 ok, 1 audit errors found, 2 bad usage or input (nothing changed), 3 could not run.")
}

// newFlags returns a command's flag set with the shared flags registered.
func newFlags(e *env, name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("gridplan "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg.register(fs)
	return fs
}
