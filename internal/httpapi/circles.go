package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
)

// circlesRoutes serves the service circles of a plan under
// /api/plans/{plan}/circles: the rules (read and edit), the plan-wide
// figures, and per rule the layers of the map (coverage by grid, blind
// spots, isochrones, suggested sites). A rule is named by its facility type
// and ?minutes= (the type's shortest rule when absent).
func (s *Server) circlesRoutes(r chi.Router) {
	r.Get("/", s.withCircles(s.getCircles))
	r.Get("/rules", s.getCircleRules)
	if s.edits != nil {
		r.Put("/rules/{type}/{minutes}", s.putCircleRule)
		r.Delete("/rules/{type}/{minutes}", s.deleteCircleRule)
	}
	r.Get("/{type}/grids", s.withCircles(s.getCircleGrids))
	r.Get("/{type}/blindspots", s.withCircles(s.getCircleBlindSpots))
	r.Get("/{type}/isochrones", s.withCircles(s.getCircleIsochrones))
	r.Get("/{type}/suggestions", s.withCircles(s.getCircleSuggestions))
}

type circlesHandler func(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan)

// withCircles resolves the plan and the circles checker the auditor runs
// (sharing its per-plan cache).
func (s *Server) withCircles(h circlesHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var c *circles.Checker
		if s.auditor != nil {
			c, _ = s.auditor.Checker(audit.Circles).(*circles.Checker)
		}
		if c == nil {
			s.writeError(w, r, domain.Errorf(domain.ErrNotFound, "this server has no circles check"))
			return
		}
		p := planOf(r)
		h(w, r, c, p)
	}
}

func (s *Server) getCircles(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	results, err := c.Evaluate(r.Context(), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Plan  string                `json:"plan"`
		Rules []circles.RuleSummary `json:"rules"`
	}{Plan: p.Name, Rules: make([]circles.RuleSummary, len(results))}
	for i, res := range results {
		out.Rules[i] = c.Summary(p, res)
	}
	writeJSON(w, s.log, http.StatusOK, out)
}

// rule evaluates the rule the request names.
func (s *Server) rule(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) (*circles.Result, bool) {
	minutes, err := queryInt(r, "minutes", 0)
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	res, err := c.Rule(r.Context(), p, chi.URLParam(r, "type"), minutes)
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return res, true
}

func (s *Server) getCircleGrids(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	level, err := queryInt(r, "level", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, ok := s.rule(w, r, c, p)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	out := geojsonio.NewWriter(w)
	err = c.Grids(r.Context(), p, res, level, out.Write)
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		s.log.Error("stream circle grids", "plan", p.Name, "err", err)
		panic(http.ErrAbortHandler) // cut short rather than silently incomplete
	}
}

func (s *Server) getCircleBlindSpots(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	if res, ok := s.rule(w, r, c, p); ok {
		writeGeoJSON(w, s, res.BlindSpots())
	}
}

func (s *Server) getCircleIsochrones(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	res, ok := s.rule(w, r, c, p)
	if !ok {
		return
	}
	fc, err := c.Isochrones(r.Context(), res)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, s, fc)
}

func (s *Server) getCircleSuggestions(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	k, err := queryInt(r, "k", 5)
	if err == nil && (k < 1 || k > 100) {
		err = domain.Errorf(domain.ErrInvalid, "query parameter k: %d is outside 1..100", k)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, ok := s.rule(w, r, c, p)
	if !ok {
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, sg := range res.Suggest(k, nil) {
		f := geojson.NewFeature(orb.Point{sg.Lon, sg.Lat})
		f.ID = sg.Rank
		f.Properties = geojson.Properties{"rank": sg.Rank, "node": sg.Node, "gain_persons": sg.GainPersons,
			"gain_households": sg.GainHouseholds, "coverage_pct_after": sg.CoveragePctAfter,
			"facility_type": res.Rule.FacilityType, "minutes": res.Rule.Minutes, "method": res.Method}
		fc.Append(f)
	}
	writeGeoJSON(w, s, fc)
}

func (s *Server) getCircleRules(w http.ResponseWriter, r *http.Request) {
	p := planOf(r)
	rules, err := s.db.CircleRules(r.Context(), p.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if rules == nil {
		rules = []domain.CircleRule{}
	}
	writeJSON(w, s.log, http.StatusOK, struct {
		Rules []domain.CircleRule `json:"rules"`
	}{rules})
}

// putCircleRule adds or replaces the rule for {type} within {minutes}; the
// body may set speed_m_per_min, target_pct, also_types and note.
func (s *Server) putCircleRule(w http.ResponseWriter, r *http.Request) {
	rule, err := ruleFromPath(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rule.SpeedMPerMin, rule.TargetPct = domain.DefaultWalkingSpeed, domain.DefaultTargetPct
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	body := struct {
		SpeedMPerMin *float64 `json:"speed_m_per_min"`
		TargetPct    *float64 `json:"target_pct"`
		AlsoTypes    []string `json:"also_types"`
		Note         string   `json:"note"`
	}{}
	if err := dec.Decode(&body); err != nil && r.ContentLength != 0 {
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "request body: %v", err))
		return
	}
	if body.SpeedMPerMin != nil {
		rule.SpeedMPerMin = *body.SpeedMPerMin
	}
	if body.TargetPct != nil {
		rule.TargetPct = *body.TargetPct
	}
	rule.AlsoTypes, rule.Note = body.AlsoTypes, body.Note
	p := planOf(r)
	created, err := s.edits.PutRule(r.Context(), p, rule)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, s.log, status, rule)
}

func (s *Server) deleteCircleRule(w http.ResponseWriter, r *http.Request) {
	rule, err := ruleFromPath(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := planOf(r)
	if err := s.edits.DeleteRule(r.Context(), p, rule.FacilityType, rule.Minutes); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func ruleFromPath(r *http.Request) (domain.CircleRule, error) {
	minutes, err := strconv.Atoi(chi.URLParam(r, "minutes"))
	if err != nil {
		return domain.CircleRule{}, domain.Errorf(domain.ErrInvalid, "minutes %q: want a whole number", chi.URLParam(r, "minutes"))
	}
	return domain.CircleRule{FacilityType: chi.URLParam(r, "type"), Minutes: minutes}, nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, domain.Errorf(domain.ErrInvalid, "query parameter %s: %q is not a whole number", name, v)
	}
	return n, nil
}

func writeGeoJSON(w http.ResponseWriter, s *Server, fc *geojson.FeatureCollection) {
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(http.StatusOK)
	if err := json.NewEncoder(w).Encode(fc); err != nil {
		s.log.Warn("write response", "err", err)
	}
}
