package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/circles"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/gridplan/gridplan/internal/httpx"
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
	minutes, err := httpx.QueryInt(r, "minutes", 0, 1, httpx.MaxInt32)
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	facilityType, err := httpx.PathParam(r, "type")
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	res, err := c.Rule(r.Context(), p, facilityType, minutes)
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return res, true
}

func (s *Server) getCircleGrids(w http.ResponseWriter, r *http.Request, c *circles.Checker, p domain.Plan) {
	level, err := httpx.QueryInt(r, "level", 0, 1, httpx.MaxInt32)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, ok := s.rule(w, r, c, p)
	if !ok {
		return
	}
	s.spooled(w, r, "application/geo+json", func(body *httpx.Spool) error {
		out := geojsonio.NewWriter(body)
		if err := c.Grids(r.Context(), p, res, level, out.Write); err != nil {
			return err
		}
		return out.Close()
	})
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
	k, err := httpx.QueryInt(r, "k", 5, 1, 100)
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
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, r, domain.Errorf(domain.ErrTooLarge, "request body: larger than %d KiB", tooBig.Limit>>10))
			return
		}
		s.writeError(w, r, domain.Errorf(domain.ErrInvalid, "request body: %s", domain.JSONProblem(err)))
		return
	}
	for _, t := range body.AlsoTypes {
		if err := httpx.CheckText("also_types", t); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if err := httpx.CheckText("note", body.Note); err != nil {
		s.writeError(w, r, err)
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
	minutes, err := httpx.ParseInt("minutes", chi.URLParam(r, "minutes"), 1, httpx.MaxInt32)
	if err != nil {
		return domain.CircleRule{}, err
	}
	facilityType, err := httpx.PathParam(r, "type")
	if err != nil {
		return domain.CircleRule{}, err
	}
	return domain.CircleRule{FacilityType: facilityType, Minutes: int(minutes)}, nil
}

func writeGeoJSON(w http.ResponseWriter, s *Server, fc *geojson.FeatureCollection) {
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(http.StatusOK)
	if err := json.NewEncoder(w).Encode(fc); err != nil {
		s.log.Warn("write response", "err", err)
	}
}
