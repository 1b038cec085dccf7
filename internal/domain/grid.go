package domain

import "github.com/paulmach/orb"

// Kind tells ordinary grids from special ones (专属网格).
type Kind string

// Grid kinds.
const (
	KindBase    Kind = "base"
	KindSpecial Kind = "special"
)

// Mode says how a special grid relates to the base grids on its ground.
type Mode string

// Special-grid modes. Base grids have no mode.
const (
	ModeOverlay  Mode = "overlay"   // both the special and the base grids exist on the same ground
	ModeCarveOut Mode = "carve_out" // the special grid takes its ground out of the base grids
)

// Grid is one grid of any level.
type Grid struct {
	ID       int64
	Code     string
	Name     string
	Level    int
	Parent   string // code of the parent grid; "" for top-level grids
	Kind     Kind
	Category string // for special grids: business_district, school, hospital, ...
	Mode     Mode
	// Properties holds any further attributes from the source file.
	Properties map[string]any
	Geometry   orb.MultiPolygon
	// Version is the grid version of its view at which the grid last
	// changed: its entity tag, and what a change set's base is checked
	// against.
	Version int64
	// Stats are the computed population figures of the latest balance
	// audit; nil until one has run.
	Stats *GridStats
}

// GridStats are a grid's computed population figures.
type GridStats struct {
	Persons      int
	Households   int
	Units        int     // building units counted, wholly, again as an overlay or by a share
	DeviationPct float64 // (persons - ideal) / ideal × 100
	Band         string  // under, within or over the level's band
}

// ValidKind reports whether k is a known kind.
func ValidKind(k Kind) bool { return k == KindBase || k == KindSpecial }

// ValidMode reports whether m is a known mode or empty.
func ValidMode(m Mode) bool { return m == "" || m == ModeOverlay || m == ModeCarveOut }

// Finding is one problem an audit found, with the place it is.
type Finding struct {
	ID       int64
	Check    string // coverage, balance or circles
	Kind     string // gap, overlap, outside_parent, invalid_geometry, multipart, sliver_gap, ...
	Severity string // error or warning
	Level    int    // 0 when not about one level
	Parent   string // parent code, "" for the plan boundary or none
	Grids    []string
	AreaM2   float64
	WidthM   float64
	Reason   string
	Geometry orb.Geometry // WGS84; nil when the finding has no place
}

// Finding severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// GridState is one grid as the checks see it: its attributes and its shape
// in the plan's metric CRS, with PostGIS's verdict on its validity.
type GridState struct {
	Code, Name, Parent string
	Level              int
	Kind               Kind
	Category           string
	Mode               Mode
	Metric             orb.MultiPolygon
	Valid              bool
	Reason             string // why not, when not Valid
}
