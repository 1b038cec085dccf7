package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gridplan/gridplan/geo"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// Options control the synthetic district.
type Options struct {
	// Seed makes the district reproducible: the same input and options give
	// byte-identical output; another seed gives another district.
	Seed int64
	// Scale multiplies counts (streets, grids, residents, facilities) and the
	// district's area, so grid sizes and walking distances stay realistic.
	// 0 means 1.
	Scale float64
}

// Input is everything Generate needs, already projected to the metric CRS
// (EPSG:4547, metres): the caller projects Erqi's outline and division
// points with PostGIS, so this package needs no projection code.
type Input struct {
	Outline   orb.Polygon
	Divisions []Division
}

// District is a generated district, all geometry in the metric CRS of the
// input.
type District struct {
	// Outline is the district: the union of every atom, so its ring has
	// exactly the vertices the grids have along it (the lattice crossings
	// included), and level 1 tiles it without floating-point noise.
	Outline    orb.Polygon
	Grids      []domain.Grid     // all levels, base and special, sorted by level then code
	Units      []domain.Unit     // building-like population units (points)
	Facilities []domain.Facility // service facilities (points)
	Nodes      []domain.Node     // walking network
	Edges      []domain.Edge     // walking network; LengthM is the exact Euclidean length
}

// Generate builds the synthetic district: the outline scaled to
// opts.Scale, cut into ~40 m atoms, populated, and labelled level by level
// into streets, communities, grids and micro-grids plus special grids, each
// level dissolved from the same atoms so that everything tiles exactly.
func Generate(in Input, opts Options) (*District, error) {
	b, err := newBuild(in, opts)
	if err != nil {
		return nil, err
	}
	if err := b.run(); err != nil {
		return nil, err
	}
	return b.out, nil
}

// Targets at scale 1, from the real 二七区.
const (
	erqiGrids3     = 1441 // base third-level grids
	erqiGrids4     = 6281 // base micro-grids
	erqiSpecials3  = 549  // third-level special grids, all kinds
	bdGrids2       = 6    // the business district's own sub-grids per level
	bdGrids3       = 49
	bdGrids4       = 148
	bdAreaM2       = 1.6e6
	parkGrids2     = 3 // the industrial park's
	parkGrids3     = 12
	parkGrids4     = 40
	parkAreaM2     = 4.5e6
	atomSpacingM   = 40 // mean lattice spacing
	latticeClearM  = 0.001
	unitClearanceM = 1.05 // units and facilities keep ≥ 1 m from atom edges
)

// build holds the state of one generation.
type build struct {
	opts    Options
	in      Input
	lin     float64   // linear scale factor, √Scale
	centre  orb.Point // the outline's centroid, fixed point of the scaling
	outline orb.Polygon
	toM     affine // WGS84 → metric (unscaled)

	sub *geo.Subdivision
	at  *atoms
	sp  *splitter

	streets []streetPlan
	seats   map[string]orb.Point // real street seats by 3-digit part, metric scaled
	field   *densityField
	smooth  []float64 // per atom: the density field without noise

	persons []int     // per atom
	weight  []float64 // per atom, what region sizes are balanced on
	units   []unit

	grids []grid
	owner [4][]int32 // per level, per atom: the base or carve-out grid holding it
	bd    int        // index of the business district grid
	park  int        // index of the industrial park grid

	out *District
}

func newBuild(in Input, opts Options) (*build, error) {
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if !(opts.Scale > 0) || math.IsInf(opts.Scale, 0) {
		return nil, domain.Errorf(domain.ErrInvalid, "demo: scale must be a positive number, got %v", opts.Scale)
	}
	if opts.Scale > 20 {
		return nil, domain.Errorf(domain.ErrInvalid, "demo: scale %v is above the supported 20", opts.Scale)
	}
	if len(in.Outline) == 0 || len(in.Outline[0]) < 4 {
		return nil, domain.Errorf(domain.ErrInvalid, "demo: the input outline is empty")
	}
	return &build{opts: opts, in: in, lin: math.Sqrt(opts.Scale), bd: -1, park: -1}, nil
}

// rng returns the random stream for one stage; separate streams keep a
// change in one stage from reshuffling all the others.
func (b *build) rng(stage uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(b.opts.Seed), 0x9e3779b97f4a7c15*stage+1))
}

// Stages, each with its own random stream.
const (
	stageLattice = iota + 1
	stageNames
	stageDensity
	stageUnits
	stageStreets
	stageComms
	stageBD
	stagePark
	stageSpecials
	stageGrids3
	stageGrids4
	stageFacilities
	stageNetwork
)

func (b *build) run() error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"layout", b.layout},
		{"divisions", b.divisions},
		{"density", b.density},
		{"park", b.placePark},
		{"population", b.populate},
		{"streets", b.labelStreets},
		{"communities", b.labelCommunities},
		{"business district", b.placeBusinessDistrict},
		{"park grids", b.labelPark},
		{"special grids", b.placeSpecials},
		{"grids", b.labelGrids},
		{"micro-grids", b.labelMicroGrids},
		{"codes", b.assignCodes},
		{"geometry", b.assemble},
		{"outline", b.assembleOutline},
		{"facilities", b.placeFacilities},
		{"network", b.buildNetwork},
	}
	b.out = &District{}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				return err
			}
			return fmt.Errorf("demo: %s: %w", s.name, err)
		}
	}
	return nil
}
