package balance

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb/geojson"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/jsonw"
)

// Section is the "balance" part of the audit report (docs/report.md), with
// added keys for specials, suggestions, unassigned population and totals.
type Section struct {
	Levels          []LevelRow   `json:"levels"`
	Specials        []SpecialRow `json:"specials"`
	Grids           GridRows     `json:"grids"`
	MergeCandidates []Merge      `json:"merge_candidates"`
	SplitCandidates Splits       `json:"split_candidates"`
	Unassigned      Unassigned   `json:"unassigned"`
	Totals          Totals       `json:"totals"`
}

// MarshalJSON writes the section's keys in order, its long tables
// appended without encoding/json going over them (see jsonw).
func (s *Section) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil) }

// AppendJSON appends the section's JSON to b (jsonw.Appender).
func (s *Section) AppendJSON(b []byte) ([]byte, error) {
	o := jsonw.Begin(slices.Grow(b, jsonw.Size(s.Grids, gridRow)+jsonw.Size(s.SplitCandidates, splitRow)+
		mergeBytes*len(s.MergeCandidates)+len(s.Unassigned.Items)*unassignedBytes+4096))
	for _, m := range []struct {
		key string
		val any
	}{{"levels", s.Levels}, {"specials", s.Specials}} {
		if err := o.Value(m.key, m.val); err != nil {
			return nil, err
		}
	}
	o.Append("grids", s.Grids.AppendJSON)
	if err := o.Value("merge_candidates", s.MergeCandidates); err != nil {
		return nil, err
	}
	o.Append("split_candidates", s.SplitCandidates.AppendJSON)
	if err := o.Value("unassigned", s.Unassigned); err != nil {
		return nil, err
	}
	if err := o.Value("totals", s.Totals); err != nil {
		return nil, err
	}
	return o.End(), nil
}

// LevelRow summarises one level's base grids. Persons + SpecialPersons +
// UnassignedPersons = TotalPersons exactly (Conserved), and the same for
// households: every person of the input is in one tiling grid of the level
// or unassigned there.
type LevelRow struct {
	Level            int         `json:"level"`
	Name             string      `json:"name"`
	Band             domain.Band `json:"band"`
	TargetPersons    int         `json:"target_persons,omitempty"`
	Grids            int         `json:"grids"`
	Persons          int64       `json:"persons"`
	Households       int64       `json:"households"`
	IdealPersons     float64     `json:"ideal_persons"`
	MinPersons       int64       `json:"min_persons"`
	MaxPersons       int64       `json:"max_persons"`
	MedianPersons    float64     `json:"median_persons"`
	MedianHouseholds float64     `json:"median_households"`
	MaxDeviationPct  float64     `json:"max_deviation_pct"`
	OutOfBand        int         `json:"out_of_band"`
	Under            int         `json:"under"`
	Over             int         `json:"over"`
	// Carve-out special grids take their ground, and residents, out of the
	// base grids; they are counted here so the level adds up.
	SpecialPersons       int64 `json:"special_persons"`
	SpecialHouseholds    int64 `json:"special_households"`
	UnassignedPersons    int64 `json:"unassigned_persons"`
	UnassignedHouseholds int64 `json:"unassigned_households"`
	TotalPersons         int64 `json:"total_persons"`
	TotalHouseholds      int64 `json:"total_households"`
	Conserved            bool  `json:"conserved"`
}

// SpecialRow summarises a level's special grids of one mode. They are
// reported on their own: overlay grids count residents the base grids
// count too.
type SpecialRow struct {
	Level      int    `json:"level"`
	Mode       string `json:"mode"`
	Grids      int    `json:"grids"`
	Persons    int64  `json:"persons"`
	Households int64  `json:"households"`
	OutOfBand  int    `json:"out_of_band"`
}

// GridRow is one grid's figures.
type GridRow struct {
	Code         string  `json:"code"`
	Name         string  `json:"name,omitempty"`
	Level        int     `json:"level"`
	Parent       *string `json:"parent"`
	Kind         string  `json:"kind"`
	Mode         string  `json:"mode,omitempty"`
	Category     string  `json:"category,omitempty"`
	Persons      int64   `json:"persons"`
	Households   int64   `json:"households"`
	Units        int64   `json:"units"`
	IdealPersons float64 `json:"ideal_persons"`
	DeviationPct float64 `json:"deviation_pct"`
	Band         string  `json:"band"`
	AreaM2       float64 `json:"area_m2"`
	// Compactness is Polsby–Popper, 4πA/P² in the metric CRS.
	Compactness float64 `json:"compactness"`
	Contiguous  bool    `json:"contiguous"`
	Parts       int     `json:"parts"`
}

// Splits is the report's table of split candidates, as long as the grid
// table on a plan whose micro-grids are mostly over their band.
type Splits []Split

// MarshalJSON writes the table by appending (jsonw).
func (rows Splits) MarshalJSON() ([]byte, error) { return rows.AppendJSON(nil), nil }

// AppendJSON appends the table to b.
func (rows Splits) AppendJSON(b []byte) []byte { return jsonw.Array(b, rows, splitRow) }

// Bytes a row of the merge and unassigned tables takes, about, to size the
// section's buffer.
const mergeBytes, unassignedBytes = 320, 256

func splitRow(o *jsonw.Object, r *Split) {
	o.String("code", r.Code, false)
	o.Int("level", int64(r.Level))
	o.Ref("parent", r.Parent)
	o.Int("persons", r.Persons)
	o.Int("households", r.Households)
	o.Int("parts", int64(r.Parts))
	o.Float("persons_per_part", r.PersonsPerPart)
	o.Float("households_per_part", r.HouseholdsPerPart)
	o.Bool("in_band", r.InBand)
}

// GridRows is the report's table of grids.
type GridRows []GridRow

// MarshalJSON writes the table by appending (jsonw): at scale 10 it has
// ninety thousand rows, which reflection takes a second to write.
func (rows GridRows) MarshalJSON() ([]byte, error) { return rows.AppendJSON(nil), nil }

// AppendJSON appends the table to b.
func (rows GridRows) AppendJSON(b []byte) []byte { return jsonw.Array(b, rows, gridRow) }

func gridRow(o *jsonw.Object, r *GridRow) {
	o.String("code", r.Code, false)
	o.String("name", r.Name, true)
	o.Int("level", int64(r.Level))
	o.Ref("parent", r.Parent)
	o.String("kind", r.Kind, false)
	o.String("mode", r.Mode, true)
	o.String("category", r.Category, true)
	o.Int("persons", r.Persons)
	o.Int("households", r.Households)
	o.Int("units", r.Units)
	o.Float("ideal_persons", r.IdealPersons)
	o.Float("deviation_pct", r.DeviationPct)
	o.String("band", r.Band, false)
	o.Float("area_m2", r.AreaM2)
	o.Float("compactness", r.Compactness)
	o.Bool("contiguous", r.Contiguous)
	o.Int("parts", int64(r.Parts))
}

// Unassigned is the population no grid of some level holds: coverage
// gaps with people in them.
type Unassigned struct {
	Units      int             `json:"units"`
	Persons    int64           `json:"persons"`
	Households int64           `json:"households"`
	Items      []UnassignedRow `json:"items"`
}

// UnassignedRow is one unit (or the part of a polygon unit) that lies in
// no grid of the listed levels.
type UnassignedRow struct {
	Unit       int64             `json:"unit"`
	Name       string            `json:"name,omitempty"`
	Persons    int64             `json:"persons"`
	Households int64             `json:"households"`
	Levels     []int             `json:"levels"`
	Location   *geojson.Geometry `json:"location"` // WGS84
}

// Totals are the input's sums.
type Totals struct {
	Units      int   `json:"units"`
	Persons    int64 `json:"persons"`
	Households int64 `json:"households"`
}

// Errors counts units with residents that no grid holds: unassigned
// population is an error (a coverage gap someone lives in). Out-of-band
// grids are warnings and do not count.
func (s *Section) Errors() int {
	n := 0
	for _, u := range s.Unassigned.Items {
		if u.Persons > 0 {
			n++
		}
	}
	return n
}

// section builds the report from the model and its unassigned units;
// shapes reads what the suggestions need of geometry (see
// model.loadMergeShapes).
func (m *model) section(unassigned []UnassignedRow, shapes func() error) (*Section, error) {
	s := &Section{Levels: []LevelRow{}, Specials: []SpecialRow{}, Unassigned: Unassigned{Items: unassigned}, Totals: m.unitTotals()}
	// The suggestions (shapes read, shared boundaries measured) and the
	// sorted grid rows are each half the work: side by side on two cores.
	var err error
	var wg sync.WaitGroup
	wg.Go(func() {
		if err = shapes(); err == nil {
			s.MergeCandidates, s.SplitCandidates = m.suggest()
		}
	})
	for _, r := range unassigned {
		s.Unassigned.Units++
		s.Unassigned.Persons += r.Persons
		s.Unassigned.Households += r.Households
	}
	for _, n := range m.levelNumbers() {
		s.Levels = append(s.Levels, m.levelRow(n, s.Totals))
		s.Specials = append(s.Specials, m.specialRows(n)...)
	}
	s.Grids = make([]GridRow, 0, len(m.grids))
	for _, g := range m.grids {
		if g == nil {
			continue
		}
		s.Grids = append(s.Grids, GridRow{Code: g.Code, Name: g.Name, Level: g.Level, Parent: parentRef(g.Parent),
			Kind: string(g.Kind), Mode: string(g.Mode), Category: g.Category,
			Persons: g.persons, Households: g.households, Units: g.units,
			IdealPersons: round(g.ideal, 2), DeviationPct: g.deviation, Band: g.band,
			AreaM2: round(g.area, 1), Compactness: round(g.compact, 3), Contiguous: g.parts == 1, Parts: g.parts})
	}
	// Worst first, level by level, base grids before special ones.
	s.Grids = worstFirst(s.Grids)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if s.MergeCandidates == nil {
		s.MergeCandidates = []Merge{}
	}
	if s.SplitCandidates == nil {
		s.SplitCandidates = []Split{}
	}
	if s.Unassigned.Items == nil {
		s.Unassigned.Items = []UnassignedRow{}
	}
	return s, nil
}

// worstFirst orders grid rows (in place) level by level, base grids
// before special ones, out of band before within, by deviation (largest
// first, NaN last), then by code.
func worstFirst(rows []GridRow) []GridRow {
	return orderBy(rows, func(r *GridRow) rowKey {
		group := uint64(r.Level)<<2 | uint64(boolRank(r.Kind != string(domain.KindBase)))<<1 | uint64(boolRank(r.Band == Within))
		d := math.Abs(r.DeviationPct)
		if math.IsNaN(d) { // last of its group, as cmp.Compare orders NaN
			return rowKey{group<<1 | 1, 0, r.Code}
		}
		return rowKey{group << 1, ^math.Float64bits(d), r.Code} // non-negative floats order as their bits
	})
}

// rowKey is where a row goes: by a, then b, then code. A table's keys are
// taken out once and compared as integers: ninety thousand rows at
// scale 10 and as many comparisons each as the table has levels.
type rowKey struct {
	a, b uint64
	code string
}

// orderBy sorts rows in place by their keys, moving each row once.
func orderBy[T any](rows []T, key func(*T) rowKey) []T {
	type keyed struct {
		rowKey
		row int32
	}
	keys := make([]keyed, len(rows))
	for i := range rows {
		keys[i] = keyed{key(&rows[i]), int32(i)}
	}
	slices.SortFunc(keys, func(x, y keyed) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b), strings.Compare(x.code, y.code))
	})
	return permute(rows, func(i int) int { return int(keys[i].row) })
}

// sortedBy sorts xs in place by compare, moving each (large) row once.
func sortedBy[T any](xs []T, compare func(a, b *T) int) []T {
	order := make([]int32, len(xs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compare(&xs[a], &xs[b]) })
	return permute(xs, func(i int) int { return int(order[i]) })
}

// permute puts row from(i) at i for every i, in place along the cycles of
// the permutation: each row is moved once, and no copy of the table (of
// megabytes, for the collector) is made.
func permute[T any](rows []T, from func(i int) int) []T {
	done := make([]bool, len(rows))
	for i := range rows {
		if done[i] {
			continue
		}
		held := rows[i]
		j := i
		for {
			done[j] = true
			f := from(j)
			if f == i {
				rows[j] = held
				break
			}
			rows[j] = rows[f]
			j = f
		}
	}
	return rows
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// levelNumbers lists the levels that have grids. A level the plan
// describes but has drawn no grid of is not audited (a plan may stop at
// level 3).
func (m *model) levelNumbers() []int {
	var ns []int
	for n, lv := range m.lv {
		if slices.ContainsFunc(lv.slots, func(g int32) bool { return g >= 0 }) {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	return ns
}

func (m *model) levelRow(n int, totals Totals) LevelRow {
	l := m.levelSettings(n)
	r := LevelRow{Level: n, Name: l.Name, Band: l.Band, TargetPersons: l.TargetPersons,
		TotalPersons: totals.Persons, TotalHouseholds: totals.Households}
	var persons, households []int64
	for _, g := range m.grids {
		if g == nil || g.Level != n {
			continue
		}
		switch {
		case g.Kind == domain.KindBase:
			persons, households = append(persons, g.persons), append(households, g.households)
			r.Persons += g.persons
			r.Households += g.households
			r.MaxDeviationPct = math.Max(r.MaxDeviationPct, math.Abs(g.deviation))
			switch g.band {
			case Under:
				r.Under++
			case Over:
				r.Over++
			}
		case !g.overlay:
			r.SpecialPersons += g.persons
			r.SpecialHouseholds += g.households
		}
	}
	r.Grids, r.OutOfBand = len(persons), r.Under+r.Over
	if r.Grids > 0 {
		r.IdealPersons = round(float64(r.Persons)/float64(r.Grids), 2)
		r.MinPersons, r.MaxPersons = slices.Min(persons), slices.Max(persons)
		r.MedianPersons, r.MedianHouseholds = median(persons), median(households)
	}
	if l.TargetPersons > 0 {
		r.IdealPersons = float64(l.TargetPersons)
	}
	lv := m.lv[n]
	for u := range lv.gaps {
		p, h, _ := m.unassigned(lv, u)
		r.UnassignedPersons += p
		r.UnassignedHouseholds += h
	}
	r.Conserved = r.Persons+r.SpecialPersons+r.UnassignedPersons == r.TotalPersons &&
		r.Households+r.SpecialHouseholds+r.UnassignedHouseholds == r.TotalHouseholds
	return r
}

func (m *model) specialRows(n int) []SpecialRow {
	var rows []SpecialRow
	for _, g := range m.grids {
		if g == nil || g.Level != n || g.Kind != domain.KindSpecial {
			continue
		}
		mode := string(g.Mode)
		if mode == "" {
			mode = string(domain.ModeOverlay)
		}
		k := slices.IndexFunc(rows, func(r SpecialRow) bool { return r.Mode == mode })
		if k < 0 {
			rows = append(rows, SpecialRow{Level: n, Mode: mode})
			k = len(rows) - 1
		}
		r := &rows[k]
		r.Grids++
		r.Persons += g.persons
		r.Households += g.households
		if g.band != Within {
			r.OutOfBand++
		}
	}
	slices.SortFunc(rows, func(a, b SpecialRow) int { return cmp.Compare(a.Mode, b.Mode) })
	return rows
}

func median(xs []int64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}
