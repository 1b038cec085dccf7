package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/gridplan/gridplan/internal/domain"

	"github.com/paulmach/orb"
)

// Facts of the real district the demo imitates.
const (
	districtPrefix = "410103" // 二七区's division code, first six digits
	erqiPersons    = 1_061_263
	erqiStreets    = 17
	erqiComms      = 175
	// 金水源街道 was set up after the CSV's vintage; the demo adds it, with
	// synthetic communities, to reach today's 17 streets.
	jinshuiyuanCode  = "410103016000"
	jinshuiyuanName  = "金水源街道"
	jinshuiyuanComms = 14
)

// streetOrder says which real streets a scaled-down district keeps first:
// two central ones and 侯寨, which meet near 二七广场 so even three streets
// have a point where the business district can cross all three; then 马寨
// and the rest of the city.
var streetOrder = [...]string{"010", "003", "201", "100", "002", "004", "006", "008",
	"009", "012", "015", "001", "007", "011", "013", "005", "016"}

// approxSeats are rough WGS84 positions for the streets the CSV has no point
// for. They only seed the synthetic layout; they are not survey data.
var approxSeats = [...]struct {
	part     string
	lon, lat float64
}{
	{"001", 113.645, 34.722},  // 淮河路
	{"002", 113.661, 34.7575}, // 解放路
	{"007", 113.662, 34.730},  // 大学路
	{"011", 113.625, 34.727},  // 嵩山路
	{"013", 113.628, 34.705},  // 长江路
	{"016", 113.640, 34.680},  // 金水源
}

// Other fixed places, WGS84.
var (
	erqiSquare   = orb.Point{113.6655, 34.7562} // 二七广场, heart of the business district
	industryPark = orb.Point{113.545, 34.700}   // west of the city, in 马寨
)

// streetPlan and commPlan are the divisions a scaled district will have.
type streetPlan struct {
	code, name string
	seed       orb.Point // metric, scaled; valid when hasSeed
	hasSeed    bool
	comms      []commPlan
}

type commPlan struct {
	code, name string
	seed       orb.Point
	hasSeed    bool
}

// planDivisions picks the streets and communities of a district at scale s:
// the real ones first (17 and 175 at scale 1), synthetic ones beyond, with
// codes from unused parts of the same 12-digit scheme.
// It also returns the seats of all real streets by their 3-digit part,
// chosen or not, as they anchor the density field at every scale.
func planDivisions(divs []Division, s float64, place func(orb.Point) orb.Point, lonlat func(orb.Point) orb.Point, rng *rand.Rand) ([]streetPlan, map[string]orb.Point, error) {
	var real []streetPlan
	byCode := map[string]int{}
	usedStreet := map[string]bool{"901": true, "902": true, "100": true, "201": true}
	var names []string
	for _, d := range divs {
		if d.Level != "street" {
			continue
		}
		if len(d.Code) != 12 || d.Code[:6] != districtPrefix {
			return nil, nil, domain.Errorf(domain.ErrInvalid, "demo: street %s: code is not in district %s", d.Code, districtPrefix)
		}
		p := streetPlan{code: d.Code, name: shortName(d.Name)}
		if d.HasPoint {
			p.seed, p.hasSeed = place(d.Point), true
		}
		byCode[d.Code] = len(real)
		usedStreet[d.Code[6:9]] = true
		names = append(names, p.name)
		real = append(real, p)
	}
	if len(real) == 0 {
		return nil, nil, domain.Errorf(domain.ErrInvalid, "demo: the divisions hold no streets")
	}
	if _, ok := byCode[jinshuiyuanCode]; !ok {
		byCode[jinshuiyuanCode] = len(real)
		usedStreet["016"] = true
		real = append(real, streetPlan{code: jinshuiyuanCode, name: jinshuiyuanName})
	}
	for _, d := range divs {
		if d.Level != "community" {
			continue
		}
		i, ok := byCode[d.Parent]
		if !ok {
			return nil, nil, domain.Errorf(domain.ErrInvalid, "demo: community %s: unknown street %s", d.Code, d.Parent)
		}
		c := commPlan{code: d.Code, name: shortName(d.Name)}
		if d.HasPoint {
			c.seed, c.hasSeed = place(d.Point), true
		}
		names = append(names, c.name)
		real[i].comms = append(real[i].comms, c)
	}
	for i := range real {
		for _, a := range approxSeats {
			if !real[i].hasSeed && real[i].code[6:9] == a.part {
				real[i].seed, real[i].hasSeed = lonlat(orb.Point{a.lon, a.lat}), true
			}
		}
	}
	seats := map[string]orb.Point{}
	for _, p := range real {
		if p.hasSeed {
			seats[p.code[6:9]] = p.seed
		}
	}
	gen := newNameGen(rng, names)

	// Choose the streets: real ones in streetOrder, then synthetic ones.
	n := max(3, int(math.Round(erqiStreets*s)))
	var streets []streetPlan
	for _, part := range streetOrder {
		if i, ok := byCode[districtPrefix+part+"000"]; ok && len(streets) < n {
			streets = append(streets, real[i])
		}
	}
	for _, p := range real { // streets of the CSV missing from streetOrder
		if len(streets) < n && !containsStreet(streets, p.code) {
			streets = append(streets, p)
		}
	}
	for part := 17; len(streets) < n; part++ {
		if part > 899 {
			return nil, nil, domain.Errorf(domain.ErrInvalid, "demo: scale %v needs more than the available street codes", s)
		}
		code := fmt.Sprintf("%03d", part)
		if usedStreet[code] {
			continue
		}
		streets = append(streets, streetPlan{code: districtPrefix + code + "000", name: gen.take() + "街道"})
	}

	// Share the communities: real streets weigh their real count (金水源 its
	// 14), synthetic ones the average, so scale 1 reproduces 175 exactly.
	weights := make([]float64, len(streets))
	for i, p := range streets {
		switch {
		case p.code == jinshuiyuanCode:
			weights[i] = jinshuiyuanComms
		case len(p.comms) > 0:
			weights[i] = float64(len(p.comms))
		default:
			weights[i] = float64(erqiComms) / erqiStreets
		}
	}
	counts := apportion(weights, max(len(streets), int(math.Round(erqiComms*s))), 1, nil)
	for i := range streets {
		p := &streets[i]
		next := 1
		if len(p.comms) > counts[i] {
			p.comms = p.comms[:counts[i]]
		}
		for _, c := range p.comms {
			if v, _ := strconv.Atoi(c.code[9:]); v >= next {
				next = v + 1
			}
		}
		for len(p.comms) < counts[i] {
			if next > 899 {
				return nil, nil, domain.Errorf(domain.ErrInvalid, "demo: street %s: out of community codes", p.code)
			}
			p.comms = append(p.comms, commPlan{code: fmt.Sprintf("%s%03d", p.code[:9], next), name: gen.take() + "社区"})
			next++
		}
	}
	return streets, seats, nil
}

func containsStreet(ps []streetPlan, code string) bool {
	for _, p := range ps {
		if p.code == code {
			return true
		}
	}
	return false
}

// apportion splits total into integer shares proportional to weights by
// largest remainder (Hamilton's method), each at least lo and, where caps is
// given, at most caps[i] (caps win over lo). Shares pushed to a bound are
// fixed there and the rest re-divided. All-zero weights share equally. Ties
// go to the lower index, so it is deterministic.
func apportion(weights []float64, total, lo int, caps []int) []int {
	n := len(weights)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	lower := func(i int) int {
		if caps != nil {
			return min(lo, caps[i])
		}
		return lo
	}
	upper := func(i int) float64 {
		if caps != nil {
			return float64(caps[i])
		}
		return math.Inf(1)
	}
	fixed := make([]bool, n)
	quota := make([]float64, n)
	for {
		left, sum, free := total, 0.0, 0
		for i, w := range weights {
			if fixed[i] {
				left -= out[i]
			} else {
				sum += math.Max(w, 0)
				free++
			}
		}
		changed := false
		for i, w := range weights {
			if fixed[i] {
				continue
			}
			quota[i] = float64(left) / float64(free)
			if sum > 0 {
				quota[i] = float64(left) * math.Max(w, 0) / sum
			}
			switch {
			case quota[i] < float64(lower(i)):
				out[i], fixed[i], changed = lower(i), true, true
			case quota[i] > upper(i):
				out[i], fixed[i], changed = caps[i], true, true
			}
		}
		if !changed {
			break
		}
	}
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	left := total
	for i := range out {
		if !fixed[i] {
			out[i] = int(quota[i])
			rems = append(rems, rem{i, quota[i] - float64(out[i])})
		}
		left -= out[i]
	}
	sortStable(rems, func(a, b rem) bool { return a.r > b.r })
	for _, r := range rems {
		if left <= 0 {
			break
		}
		if float64(out[r.i]+1) <= upper(r.i) {
			out[r.i]++
			left--
		}
	}
	return out
}
