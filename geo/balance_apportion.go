package geo

import "slices"

// Apportion splits total into whole parts in proportion to weights, by the
// largest-remainder (Hamilton) method: each part gets the whole part of its
// quota total×w/Σw, and what is left goes one each to the largest
// remainders, ties to the lower index. The parts add up to total exactly,
// which is what keeps population counts conserved to the person when a
// unit is shared among grids. Weights below zero count as zero; when no
// weight is positive, part 0 gets everything.
func Apportion(total int, weights []float64) []int {
	parts := make([]int, len(weights))
	if len(weights) == 0 {
		return parts
	}
	sum := 0.0
	for _, w := range weights {
		if w > 0 {
			sum += w
		}
	}
	if !(sum > 0) {
		parts[0] = total
		return parts
	}
	rem := make([]float64, len(weights))
	left := total
	for i, w := range weights {
		if w <= 0 {
			rem[i] = -1 // never before a positive weight
			continue
		}
		q := float64(total) * (w / sum)
		parts[i] = min(int(q), left)
		rem[i] = q - float64(parts[i])
		left -= parts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for k := 0; left > 0; k = (k + 1) % len(order) {
		parts[order[k]]++
		left--
	}
	return parts
}
