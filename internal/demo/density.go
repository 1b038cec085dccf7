package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// densityField is the synthetic population density, in relative units: a
// city round the seats of the urban streets and 二七广场 (saturating, so the
// core is dense but not absurd), towns at 马寨, 侯寨 and 金水源, scattered
// villages, a thin rural base, and a smooth multiplicative noise so no two
// neighbourhoods look alike.
type densityField struct {
	city    []kernel // summed, then saturated
	kernels []kernel // added as they are
	waves   []wave
	base    float64
	// index buckets the kernels by a coarse grid so a point only visits the
	// kernels that reach it: at scale 10 there are hundreds of villages.
	origin orb.Point
	cell   float64
	cols   int
	index  [][2][]int32 // per cell: city and other kernels reaching it
}

type kernel struct {
	c          orb.Point
	amp, inv2s float64 // amplitude, 1/(2σ²)
	cut2       float64 // beyond this squared distance the kernel is ignored
}

type wave struct{ kx, ky, phase, amp float64 }

// cityPeak is the density of the saturated city core.
const cityPeak = 3.0

// smooth is the density without noise; urbanness derives from it.
func (d *densityField) smooth(p orb.Point) float64 {
	sum := func(ks []kernel, which []int32) float64 {
		v := 0.0
		for _, i := range which {
			k := &ks[i]
			dx, dy := p[0]-k.c[0], p[1]-k.c[1]
			if r2 := dx*dx + dy*dy; r2 < k.cut2 {
				v += k.amp * math.Exp(-r2*k.inv2s)
			}
		}
		return v
	}
	c := d.cellOf(p)
	if c < 0 {
		return d.base
	}
	return d.base + cityPeak*math.Tanh(sum(d.city, d.index[c][0])/1.5) + sum(d.kernels, d.index[c][1])
}

// noise is the smooth multiplicative noise at p.
func (d *densityField) noise(p orb.Point) float64 {
	n := 0.0
	for _, w := range d.waves {
		n += w.amp * math.Sin(w.kx*p[0]+w.ky*p[1]+w.phase)
	}
	return math.Exp(n)
}

// build indexes the kernels over bound b.
func (d *densityField) build(b orb.Bound) {
	d.origin, d.cell = b.Min, 1000
	d.cols = int((b.Max[0]-b.Min[0])/d.cell) + 1
	rows := int((b.Max[1]-b.Min[1])/d.cell) + 1
	d.index = make([][2][]int32, d.cols*rows)
	for which, ks := range [2][]kernel{d.city, d.kernels} {
		for i, k := range ks {
			r := math.Sqrt(k.cut2)
			c0, r0 := int((k.c[0]-r-d.origin[0])/d.cell), int((k.c[1]-r-d.origin[1])/d.cell)
			c1, r1 := int((k.c[0]+r-d.origin[0])/d.cell), int((k.c[1]+r-d.origin[1])/d.cell)
			for row := max(0, r0); row <= min(rows-1, r1); row++ {
				for col := max(0, c0); col <= min(d.cols-1, c1); col++ {
					cell := &d.index[row*d.cols+col]
					cell[which] = append(cell[which], int32(i))
				}
			}
		}
	}
}

func (d *densityField) cellOf(p orb.Point) int {
	col, row := int((p[0]-d.origin[0])/d.cell), int((p[1]-d.origin[1])/d.cell)
	if p[0] < d.origin[0] || p[1] < d.origin[1] || col >= d.cols || row*d.cols+col >= len(d.index) {
		return -1
	}
	return row*d.cols + col
}

// urban maps smooth density to urbanness in [0, 1]: 0 in the fields, 1 in
// the city. It sets building sizes, household sizes and street density.
func urban(smooth float64) float64 {
	return math.Min(1, math.Max(0, (smooth-0.3)/1.5))
}

func newKernel(c orb.Point, amp, sigma float64) kernel {
	return kernel{c: c, amp: amp, inv2s: 1 / (2 * sigma * sigma), cut2: 16 * sigma * sigma}
}

// density lays out the field. Large features (city, towns) scale with the
// district; villages and noise keep their real size and grow in number.
func (b *build) density() error {
	rng := b.rng(stageDensity)
	d := &densityField{base: 0.05}
	km := 1000 * b.lin
	for _, part := range [...]string{"001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012", "013", "015"} {
		if c, ok := b.seats[part]; ok {
			d.city = append(d.city, newKernel(c, 1.0, 1.5*km))
		}
	}
	d.city = append(d.city, newKernel(b.lonlat(erqiSquare), 1.0, 1.0*km))
	for _, t := range [...]struct {
		part       string
		amp, sigma float64
	}{{"100", 0.6, 1.6}, {"201", 0.5, 1.4}, {"016", 0.7, 1.8}} {
		if c, ok := b.seats[t.part]; ok {
			d.kernels = append(d.kernels, newKernel(c, t.amp, t.sigma*km))
		}
	}
	// Villages on rural ground.
	d.build(b.outline.Bound())
	var rural []int32
	for f := range b.at.n {
		if d.smooth(b.at.cen[f]) < 0.3 {
			rural = append(rural, int32(f))
		}
	}
	if len(rural) > 0 {
		for range int(math.Round(45 * b.opts.Scale)) {
			c := b.at.cen[rural[rng.IntN(len(rural))]]
			d.kernels = append(d.kernels, newKernel(c, 0.3+0.6*rng.Float64(), 250+250*rng.Float64()))
		}
	}
	for range 6 {
		theta := rng.Float64() * 2 * math.Pi
		k := 2 * math.Pi / (1500 + 3500*rng.Float64())
		d.waves = append(d.waves, wave{k * math.Cos(theta), k * math.Sin(theta), rng.Float64() * 2 * math.Pi, 0.25})
	}
	d.build(b.outline.Bound())
	b.field = d
	b.smooth = make([]float64, b.at.n)
	for f := range b.at.n {
		b.smooth[f] = d.smooth(b.at.cen[f])
	}
	return nil
}
