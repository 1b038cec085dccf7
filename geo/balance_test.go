package geo

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []float64
		want    []int
	}{
		{"even thirds", 10, []float64{1, 1, 1}, []int{4, 3, 3}},
		{"largest remainders win", 7, []float64{0.5, 0.25, 0.25}, []int{3, 2, 2}},
		{"remainder order, not index order", 10, []float64{0.13, 0.47, 0.40}, []int{1, 5, 4}},
		{"tie goes to the lower index", 1, []float64{1, 1}, []int{1, 0}},
		{"zero and negative weights get nothing", 9, []float64{0, 3, -2, 6}, []int{0, 3, 0, 6}},
		{"no positive weight: all to the first", 5, []float64{0, 0}, []int{5, 0}},
		{"nothing to share", 0, []float64{2, 3}, []int{0, 0}},
		{"area shares of a census block", 1234, []float64{3512.5, 1201.25, 88.1}, []int{903, 309, 22}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Apportion(tt.total, tt.weights)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
			}
			sum := 0
			for _, p := range got {
				sum += p
			}
			if sum != tt.total {
				t.Errorf("parts add up to %d, not %d", sum, tt.total)
			}
		})
	}
}

func TestPolsbyPopper(t *testing.T) {
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		want float64
	}{
		{"square", squareMP(0, 0, 100), math.Pi / 4},
		{"1×10 strip", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 1}, {0, 1}, {0, 0}}}}, 4 * math.Pi * 10 / (22 * 22)},
		{"near-disc", orb.MultiPolygon{disc(0, 0, 50, 720)}, 0.99999},
		{"square with a hole", orb.MultiPolygon{{squareMP(0, 0, 10)[0][0], {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}},
			4 * math.Pi * 96 / (48 * 48)},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PolsbyPopper(tt.mp); math.Abs(got-tt.want) > 1e-4 {
				t.Errorf("PolsbyPopper = %.6f, want %.6f", got, tt.want)
			}
		})
	}
}

func TestSharedBoundaryLength(t *testing.T) {
	a := squareMP(0, 0, 10)
	tests := []struct {
		name string
		b    orb.MultiPolygon
		tol  float64
		want float64
	}{
		{"whole side", squareMP(10, 0, 10), 1e-9, 10},
		{"part of a side", squareMP(10, 4, 10), 1e-9, 6},
		{"side split by a vertex of the neighbour",
			orb.MultiPolygon{{{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 5}, {10, 0}}}}, 1e-9, 10},
		{"two sides around a corner", orb.MultiPolygon{{{{10, -5}, {15, -5}, {15, 15}, {-5, 15}, {-5, 10}, {10, 10}, {10, -5}}}}, 1e-9, 20},
		{"corner only", squareMP(10, 10, 10), 1e-9, 0},
		{"apart", squareMP(11, 0, 10), 1e-9, 0},
		{"digitised 3 cm off, within tolerance", squareMP(10.03, 0, 10), 0.05, 10},
		{"digitised 3 cm off, beyond tolerance", squareMP(10.03, 0, 10), 0.01, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SharedBoundaryLength(a, tt.b, tt.tol); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("SharedBoundaryLength = %v, want %v", got, tt.want)
			}
			if got := SharedBoundaryLength(tt.b, a, tt.tol); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("reversed: SharedBoundaryLength = %v, want %v", got, tt.want)
			}
		})
	}
}
