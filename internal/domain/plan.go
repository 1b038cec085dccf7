package domain

import (
	"regexp"
	"time"

	"github.com/paulmach/orb"
)

// DefaultSRID is the metric CRS used when a plan names none: CGCS2000 /
// 3-degree Gauss-Krüger CM 114E, which covers Zhengzhou.
const DefaultSRID = 4547

// WGS84 is the storage and exchange CRS of every geometry.
const WGS84 = 4326

// Plan is one district's grid-division scheme (网格划分方案).
type Plan struct {
	ID    int64
	Name  string // stable identifier used in URLs and on the command line
	Title string
	// SRID is the EPSG code of the metric CRS in which areas and distances are measured.
	SRID int
	// Boundary is the district outline in WGS84; nil when the plan has none.
	Boundary  orb.MultiPolygon
	Levels    []Level
	Tolerance Tolerance
	// Version increases with every change to the plan's data; caches key on it.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Level describes one level of a plan's hierarchy and its size band.
type Level struct {
	Level int    `json:"level"`
	Name  string `json:"name"`
	Band  Band   `json:"band"`
}

// Band is the accepted size range of a level's grids (规模适度). A zero bound
// means "no bound on this side".
type Band struct {
	MinPersons    int `json:"min_persons,omitempty"`
	MaxPersons    int `json:"max_persons,omitempty"`
	MinHouseholds int `json:"min_households,omitempty"`
	MaxHouseholds int `json:"max_households,omitempty"`
}

// Tolerance says which coverage defects count as digitising slivers.
type Tolerance struct {
	SliverAreaM2 float64 `json:"sliver_area_m2"`
	SliverWidthM float64 `json:"sliver_width_m"`
}

// DefaultTolerance is used for plans that set none: a gap or overlap under
// 1 m² or thinner than 0.5 m is a sliver, not a planning error.
var DefaultTolerance = Tolerance{SliverAreaM2: 1, SliverWidthM: 0.5}

// DefaultLevels returns the four-level street → community → grid →
// micro-grid hierarchy with the bands published for urban grids.
func DefaultLevels() []Level {
	return []Level{
		{Level: 1, Name: "street", Band: Band{MinPersons: 20000, MaxPersons: 150000}},
		{Level: 2, Name: "community", Band: Band{MinPersons: 2000, MaxPersons: 15000}},
		{Level: 3, Name: "grid", Band: Band{MaxPersons: 2500, MinHouseholds: 300, MaxHouseholds: 500}},
		{Level: 4, Name: "micro-grid", Band: Band{MinHouseholds: 20, MaxHouseholds: 50}},
	}
}

var planNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// ValidatePlanName reports whether name can name a plan: lower-case letters,
// digits and underscores, starting with a letter. Hyphens are excluded so that
// collection ids such as "demo-level-3" parse without ambiguity.
func ValidatePlanName(name string) error {
	if !planNamePattern.MatchString(name) {
		return Errorf(ErrInvalid, "plan name %q: use 1-63 lower-case letters, digits or underscores, starting with a letter", name)
	}
	return nil
}
