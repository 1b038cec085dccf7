package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpx"
	"github.com/gridplan/gridplan/internal/store"
)

// planJSON is the API's view of a plan.
type planJSON struct {
	Name      string           `json:"name"`
	Title     string           `json:"title"`
	CRS       string           `json:"crs"`
	Version   int64            `json:"version"`
	Levels    []domain.Level   `json:"levels"`
	Tolerance domain.Tolerance `json:"tolerance"`
	BBox      []float64        `json:"bbox,omitempty"`
	Counts    *store.Counts    `json:"counts,omitempty"`
	Links     []link           `json:"links"`
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func toPlanJSON(p domain.Plan) planJSON {
	j := planJSON{Name: p.Name, Title: p.Title, CRS: "EPSG:" + strconv.Itoa(p.SRID), Version: p.Version,
		Levels: p.Levels, Tolerance: p.Tolerance}
	if p.Boundary != nil {
		b := p.Boundary.Bound()
		j.BBox = bboxOf(b)
	}
	base := "/api/plans/" + p.Name
	j.Links = []link{{Href: base, Rel: "self", Type: "application/json"}}
	for _, l := range p.Levels {
		j.Links = append(j.Links, link{Href: base + "/grids?level=" + strconv.Itoa(l.Level), Rel: "items",
			Type: "application/geo+json", Title: l.Name})
	}
	return j
}

func bboxOf(b orb.Bound) []float64 { return []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} }

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := s.db.Plans(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Plans []planJSON `json:"plans"`
	}{Plans: []planJSON{}}
	for _, p := range plans {
		j := toPlanJSON(p)
		if j.BBox == nil {
			j.BBox = s.extent(r, p.Workspace)
		}
		out.Plans = append(out.Plans, j)
	}
	writeJSON(w, s.log, http.StatusOK, out)
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	counts, err := s.db.Count(r.Context(), p.Workspace)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j := toPlanJSON(p)
	j.Counts = &counts
	if j.BBox == nil {
		j.BBox = s.extent(r, p.Workspace)
	}
	writeJSON(w, s.log, http.StatusOK, j)
}

// extent is the grids' bounding box for plans without a boundary.
func (s *Server) extent(r *http.Request, ws int64) []float64 {
	b, ok, err := s.db.Extent(r.Context(), ws)
	if err != nil {
		s.log.Warn("extent", "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	return bboxOf(b)
}

func writeJSONBody(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }

type planKey struct{}

// loadPlan resolves the {plan} of every route under /api/plans/{plan} once,
// as the view ?draft=NAME or ?revision=N names (the published plan
// without either), answering 404 problem+json for an unknown plan, draft
// or revision; handlers read it with planOf.
func (s *Server) loadPlan(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		view, err := viewOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		name, err := httpx.PathParam(r, "plan")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.db.PlanView(r.Context(), name, view)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), planKey{}, p)))
	})
}

// planOf is the plan loadPlan resolved for this request.
func planOf(r *http.Request) domain.Plan { return r.Context().Value(planKey{}).(domain.Plan) }

// viewOf reads the view a request names: ?draft=NAME or ?revision=N.
func viewOf(r *http.Request) (domain.View, error) {
	q := r.URL.Query()
	d, rev := q.Get("draft"), q.Get("revision")
	switch {
	case d != "" && rev != "":
		return domain.View{}, domain.Errorf(domain.ErrInvalid, "give draft or revision, not both")
	case d != "":
		if err := domain.ValidateDraftName(d); err != nil {
			return domain.View{}, err
		}
		return domain.View{Draft: d}, nil
	case rev != "":
		n, err := httpx.ParseInt("revision", rev, 1, httpx.MaxInt32)
		if err != nil {
			return domain.View{}, err
		}
		return domain.View{Revision: int(n)}, nil
	}
	return domain.View{}, nil
}
