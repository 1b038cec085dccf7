package domain

import "strings"

// DefaultWalkingSpeed is the walking speed of a rule that names none:
// 80 m/min ≈ 4.8 km/h, the usual conversion from minutes to metres.
const DefaultWalkingSpeed = 80

// DefaultTargetPct is the share of residents a rule aims to cover when it
// names none: the national 15-minute-circle target for 2025.
const DefaultTargetPct = 85

// CircleRule is a service-circle rule (服务圈): residents should reach a
// facility of FacilityType (or of AlsoTypes) within Minutes' walk at
// SpeedMPerMin; TargetPct is the share of residents the plan aims to cover.
type CircleRule struct {
	FacilityType string   `json:"facility_type"`
	Minutes      int      `json:"minutes"`
	SpeedMPerMin float64  `json:"speed_m_per_min"`
	TargetPct    float64  `json:"target_pct"`
	AlsoTypes    []string `json:"also_types,omitempty"`
	Note         string   `json:"note,omitempty"`
}

// DistanceM is the walking distance the rule allows, in metres.
func (r CircleRule) DistanceM() float64 { return float64(r.Minutes) * r.SpeedMPerMin }

// Types lists the facility types that satisfy the rule.
func (r CircleRule) Types() []string { return append([]string{r.FacilityType}, r.AlsoTypes...) }

// Validate checks a rule's fields, naming the one that is wrong.
func (r CircleRule) Validate() error {
	switch {
	case strings.TrimSpace(r.FacilityType) == "":
		return Errorf(ErrInvalid, "circle rule: facility_type is empty")
	case r.Minutes < 1 || r.Minutes > 240:
		return Errorf(ErrInvalid, "circle rule %s: minutes %d is outside 1..240", r.FacilityType, r.Minutes)
	case !(r.SpeedMPerMin > 0 && r.SpeedMPerMin <= 1000):
		return Errorf(ErrInvalid, "circle rule %s: speed_m_per_min %v is outside (0, 1000]", r.FacilityType, r.SpeedMPerMin)
	case !(r.TargetPct >= 0 && r.TargetPct <= 100):
		return Errorf(ErrInvalid, "circle rule %s: target_pct %v is outside 0..100", r.FacilityType, r.TargetPct)
	}
	for _, t := range r.AlsoTypes {
		if strings.TrimSpace(t) == "" {
			return Errorf(ErrInvalid, "circle rule %s: also_types has an empty type", r.FacilityType)
		}
	}
	return nil
}
