package demo

import (
	"fmt"
	"testing"
)

// BenchmarkGenerate times Generate at the demo's scales; scale 10 is the
// stress case (about ten times the real district).
func BenchmarkGenerate(b *testing.B) {
	in := testInput(b)
	for _, scale := range []float64{0.1, 1, 10} {
		b.Run(fmt.Sprintf("scale=%v", scale), func(b *testing.B) {
			for b.Loop() {
				d, err := Generate(in, Options{Seed: 1, Scale: scale})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(d.Grids)), "grids")
				b.ReportMetric(float64(len(d.Units)), "units")
				b.ReportMetric(float64(len(d.Nodes)), "nodes")
			}
		})
	}
}
