package geo_test

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/geo"
)

func TestSignedArea(t *testing.T) {
	ccw := orb.Ring{{0, 0}, {4, 0}, {4, 3}, {0, 3}, {0, 0}}
	cw := orb.Ring{{0, 0}, {0, 3}, {4, 3}, {4, 0}, {0, 0}}
	tests := []struct {
		name string
		ring orb.Ring
		want float64
	}{
		{"counter-clockwise", ccw, 12},
		{"clockwise", cw, -12},
		{"degenerate", orb.Ring{{0, 0}, {1, 1}, {0, 0}}, 0},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		if got := geo.SignedArea(tt.ring); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func ExampleSignedArea() {
	square := orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}
	fmt.Println(geo.SignedArea(square), geo.SignedArea(orb.Ring{{0, 0}, {0, 2}, {2, 2}, {2, 0}, {0, 0}}))
	// Output: 4 -4
}
