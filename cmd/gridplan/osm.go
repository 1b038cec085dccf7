package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/schollz/progressbar/v3"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/osmimport"
	"github.com/gridplan/gridplan/internal/store"
)

// runImportOSM stores an OSM extract's walking network (and, on request,
// its facilities) in a plan: gridplan import osm NAME FILE.osm.pbf.
func runImportOSM(ctx context.Context, e *env, args []string) error {
	var cfg Config
	fs := newFlags(e, "import osm", &cfg)
	withFacilities := fs.Bool("facilities", false, "also import facilities picked by --facility-tags (default mapping: amenity=school, clinic, ...)")
	tags := fs.String("facility-tags", "", "key=value:type,... mapping OSM tags to facility types (implies --facilities)")
	pos, err := parseArgs(fs, args, "NAME", "FILE")
	if err != nil {
		return err
	}
	var opts osmimport.Options
	switch {
	case *tags != "":
		if opts.Facilities, err = osmimport.ParseTagTypes(*tags); err != nil {
			return err
		}
	case *withFacilities:
		opts.Facilities = osmimport.DefaultFacilityTags()
	}
	path := pos[1]
	fi, err := os.Stat(path)
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "%s: %v", path, errors.Unwrap(err))
	}
	open := func(pass string) (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", path, errors.Unwrap(err))
		}
		if !e.stderrIsTTY || fi.Size() < progressThreshold {
			return f, nil
		}
		bar := progressbar.DefaultBytes(fi.Size(), "reading "+pass+" of "+path)
		r := progressbar.NewReader(f, bar)
		return struct {
			io.Reader
			io.Closer
		}{&r, f}, nil
	}
	return withPlan(ctx, e, cfg, pos[0], func(db *store.DB, plan domain.Plan) error {
		s, err := osmimport.Import(ctx, db, plan, path, open, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %s into plan %q: %d walkable ways → %d nodes, %d edges, %.1f walkable km\n",
			path, plan.Name, s.Ways, s.Nodes, s.Edges, s.WalkableKM)
		if opts.Facilities != nil {
			types := make([]string, 0, len(s.Facilities))
			total := 0
			for t, n := range s.Facilities {
				types = append(types, fmt.Sprintf("%s %d", t, n))
				total += n
			}
			sort.Strings(types)
			fmt.Fprintf(e.stdout, "  %d facilities %v (replacing %d from an earlier OSM import)\n", total, types, s.Replaced)
		}
		return nil
	})
}
