package domain

import (
	"regexp"
	"strconv"
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
	// View is which state of the plan's grids this value reads: the
	// published plan, a draft or a past revision; Workspace is the
	// database's id of that state.
	View      View
	Workspace int64
	// DataVersion increases with every change to the plan's own data
	// (units, facilities, network, settings), GridVersion with every change
	// to the view's grids. Version is their sum: it moves whenever anything
	// the view shows moves, so caches and ETags key on it.
	Version     int64
	DataVersion int64
	GridVersion int64
	// HeadRevision is the published plan's latest revision (0: none yet).
	HeadRevision int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// View names a state of a plan's grids. The zero View is the published plan.
type View struct {
	Draft    string // a draft's name
	Revision int    // a past revision, read-only
}

// Published reports whether v is the published plan.
func (v View) Published() bool { return v.Draft == "" && v.Revision == 0 }

// String describes v for messages: "published", "draft d1", "revision 7".
func (v View) String() string {
	switch {
	case v.Draft != "":
		return "draft " + strconv.Quote(v.Draft)
	case v.Revision > 0:
		return "revision " + strconv.Itoa(v.Revision)
	}
	return "published"
}

// Describe names plan and view for messages: `plan "demo"` or
// `plan "demo", draft "d1"`.
func (p Plan) Describe() string {
	if p.View.Published() {
		return "plan " + strconv.Quote(p.Name)
	}
	return "plan " + strconv.Quote(p.Name) + ", " + p.View.String()
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

var draftNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidateDraftName reports whether name can name a draft: lower-case
// letters, digits, hyphens and underscores, starting with a letter or digit.
func ValidateDraftName(name string) error {
	if !draftNamePattern.MatchString(name) {
		return Errorf(ErrInvalid, "draft name %q: use 1-63 lower-case letters, digits, hyphens or underscores, starting with a letter or digit", name)
	}
	if name == "published" {
		return Errorf(ErrInvalid, "draft name %q is reserved for the published plan", name)
	}
	return nil
}
