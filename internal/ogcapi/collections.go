package ogcapi

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// CollectionID names one layer of one plan. Plan names contain no hyphens,
// so the id splits at its first one.
type CollectionID struct {
	Plan  string
	Layer store.Layer
	Level int // grid level, for store.LayerGrids
}

// ParseCollectionID reads "{plan}-level-{N}", "{plan}-units",
// "{plan}-facilities" or "{plan}-findings".
func ParseCollectionID(id string) (CollectionID, error) {
	plan, rest, ok := strings.Cut(id, "-")
	if !ok || domain.ValidatePlanName(plan) != nil {
		return CollectionID{}, domain.Errorf(domain.ErrNotFound, "no collection %q: ids are {plan}-level-{N}, {plan}-units, {plan}-facilities or {plan}-findings", id)
	}
	c := CollectionID{Plan: plan}
	switch rest {
	case "units":
		c.Layer = store.LayerUnits
	case "facilities":
		c.Layer = store.LayerFacilities
	case "findings":
		c.Layer = store.LayerFindings
	default:
		// Levels are PostgreSQL integers: a number beyond them names no
		// collection, rather than failing in the database.
		n, err := strconv.ParseInt(strings.TrimPrefix(rest, "level-"), 10, 32)
		if !strings.HasPrefix(rest, "level-") || err != nil || n < 1 || strconv.FormatInt(n, 10) != rest[len("level-"):] {
			return CollectionID{}, domain.Errorf(domain.ErrNotFound, "no collection %q: ids are {plan}-level-{N}, {plan}-units, {plan}-facilities or {plan}-findings", id)
		}
		c.Layer, c.Level = store.LayerGrids, int(n)
	}
	return c, nil
}

func (c CollectionID) String() string {
	switch c.Layer {
	case store.LayerUnits:
		return c.Plan + "-units"
	case store.LayerFacilities:
		return c.Plan + "-facilities"
	case store.LayerFindings:
		return c.Plan + "-findings"
	}
	return c.Plan + "-level-" + strconv.Itoa(c.Level)
}

// Resolve checks that the collection exists and returns the plan's stamp.
// A grid level exists when the plan defines it or has grids on it.
func Resolve(ctx context.Context, f *store.Features, id string) (CollectionID, store.Stamp, error) {
	c, err := ParseCollectionID(id)
	if err != nil {
		return c, store.Stamp{}, err
	}
	if sc := scopeOf(ctx); sc != nil && sc.plan != c.Plan {
		return c, store.Stamp{}, domain.Errorf(domain.ErrNotFound, "no collection %q here: this is plan %q, %s", id, sc.plan, sc.view)
	}
	st, err := f.Stamp(ctx, c.Plan, ViewOf(ctx, c.Plan), c.Level)
	if domain.ErrorCode(err) == domain.ErrNotFound {
		return c, st, domain.Errorf(domain.ErrNotFound, "no collection %q: plan %q does not exist", id, c.Plan)
	}
	if err != nil {
		return c, st, err
	}
	if c.Layer == store.LayerGrids && !st.HasLevel {
		return c, st, domain.Errorf(domain.ErrNotFound, "no collection %q: plan %q has no level %d", id, c.Plan, c.Level)
	}
	return c, st, nil
}

// collectionJSON is one collection's description.
type collectionJSON struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	Extent      *extent  `json:"extent,omitempty"`
	Links       []link   `json:"links"`
}

type extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
}

const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// describe builds a collection's description.
func describe(base string, p domain.Plan, c CollectionID, bound *orb.Bound) collectionJSON {
	j := collectionJSON{ID: c.String(), ItemType: "feature", CRS: []string{crs84}}
	plan := p.Title
	if plan == "" {
		plan = p.Name
	}
	switch c.Layer {
	case store.LayerUnits:
		j.Title, j.Description = plan+": population units", "Buildings, compounds and census blocks with persons and households."
	case store.LayerFacilities:
		j.Title, j.Description = plan+": facilities", "Service facilities by type (filter with type=...)."
	case store.LayerFindings:
		j.Title, j.Description = plan+": audit findings", "Problems the latest audit found (coverage gaps, overlaps, ...), with their place."
	default:
		name := fmt.Sprintf("level %d", c.Level)
		for _, l := range p.Levels {
			if l.Level == c.Level {
				name += " (" + l.Name + ")"
			}
		}
		j.Title = plan + ": grids of " + name
		j.Description = fmt.Sprintf("All grids of level %d, base and special (filter with kind, category, parent).", c.Level)
	}
	if bound != nil {
		j.Extent = &extent{}
		j.Extent.Spatial.BBox = [][4]float64{{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}}
		j.Extent.Spatial.CRS = crs84
	}
	self := base + "/collections/" + j.ID
	j.Links = []link{
		{Href: self, Rel: "self", Type: "application/json", Title: "This collection"},
		{Href: self + "?f=html", Rel: "alternate", Type: "text/html", Title: "This collection as HTML"},
		{Href: self + "/items", Rel: "items", Type: "application/geo+json", Title: "Features as GeoJSON"},
		{Href: self + "/items?f=html", Rel: "items", Type: "text/html", Title: "Features as HTML"},
		{Href: base + "/tiles/" + j.ID + ".json", Rel: "related", Type: "application/json", Title: "Vector tiles (TileJSON)"},
	}
	return j
}

// planCollections describes every collection of a plan.
func (s *Service) planCollections(ctx context.Context, base string, p domain.Plan) ([]collectionJSON, error) {
	extents, err := s.db.Features().Extents(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	find := func(l store.Layer, level int) *orb.Bound {
		for _, e := range extents {
			if e.Layer == l && e.Level == level {
				return &e.Bound
			}
		}
		return nil
	}
	levels := map[int]bool{}
	for _, l := range p.Levels {
		levels[l.Level] = true
	}
	for _, e := range extents {
		if e.Layer == store.LayerGrids {
			levels[e.Level] = true
		}
	}
	var out []collectionJSON
	for _, n := range slices.Sorted(maps.Keys(levels)) {
		out = append(out, describe(base, p, CollectionID{Plan: p.Name, Layer: store.LayerGrids, Level: n}, find(store.LayerGrids, n)))
	}
	for _, l := range []store.Layer{store.LayerUnits, store.LayerFacilities, store.LayerFindings} {
		out = append(out, describe(base, p, CollectionID{Plan: p.Name, Layer: l}, find(l, 0)))
	}
	return out, nil
}

// collections lists every plan's collections.
func (s *Service) collections(w http.ResponseWriter, r *http.Request) {
	format, err := negotiate(r, nil, formatJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	plans, err := s.plans(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := BaseURL(r)
	var all []collectionJSON
	for _, p := range plans {
		cs, err := s.planCollections(r.Context(), base, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		all = append(all, cs...)
	}
	if all == nil {
		all = []collectionJSON{}
	}
	doc := map[string]any{
		"links": []link{
			{Href: base + "/collections", Rel: "self", Type: "application/json", Title: "Collections"},
			{Href: base + "/collections?f=html", Rel: "alternate", Type: "text/html", Title: "Collections as HTML"},
		},
		"collections": all,
	}
	s.respond(w, r, format, doc, "collections.html", map[string]any{"Title": "Collections", "Collections": all})
}

// collection describes one collection.
func (s *Service) collection(w http.ResponseWriter, r *http.Request) {
	format, err := negotiate(r, nil, formatJSON, formatHTML)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := httpx.PathParam(r, "collectionId")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, _, err := Resolve(r.Context(), s.db.Features(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.db.PlanView(r.Context(), c.Plan, ViewOf(r.Context(), c.Plan))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.planCollections(r.Context(), BaseURL(r), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, j := range cs {
		if j.ID == c.String() {
			s.respond(w, r, format, j, "collections.html", map[string]any{"Title": j.Title, "Collections": []collectionJSON{j}})
			return
		}
	}
	s.fail(w, r, domain.Errorf(domain.ErrNotFound, "no collection %q", c))
}

// plans are the plans whose collections the request lists: every
// published plan at the root, the one view under a view's landing page.
func (s *Service) plans(r *http.Request) ([]domain.Plan, error) {
	if sc := scopeOf(r.Context()); sc != nil {
		p, err := s.db.PlanView(r.Context(), sc.plan, sc.view)
		return []domain.Plan{p}, err
	}
	return s.db.Plans(r.Context())
}
