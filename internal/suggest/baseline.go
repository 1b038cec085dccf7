package suggest

import (
	"math"
)

// KMeansRegions is the naive baseline Rebalance is measured against:
// fresh regions drawn from scratch, as a districting tool without the
// existing grids would draw them. It is Lloyd's k-means on the atoms'
// centres, weighted by households, seeded by farthest-point sampling from
// the heaviest atom, with each centre's distances scaled by a factor that
// grows while its region holds more than an equal share of households and
// shrinks while it holds less (capacity-balanced k-means). Nothing keeps
// a region in one piece. The regions are then numbered after the grids
// they overlap most (MatchRegions), so that moved households are counted
// fairly.
func KMeansRegions(g *Graph, n, iterations int) []int {
	labels := make([]int, len(g.Atoms))
	if n <= 1 || len(g.Atoms) == 0 {
		return labels
	}
	first, heaviest := 0, -1.0
	total := 0.0
	for a := range g.Atoms {
		w := atomWeight(g, a)
		total += w
		if w > heaviest {
			first, heaviest = a, w
		}
	}
	centres := make([][2]float64, 0, n)
	for _, s := range seedsFrom(g, first, min(n, len(g.Atoms))) {
		c := g.Atoms[s].Centre
		centres = append(centres, [2]float64{c[0], c[1]})
	}
	for len(centres) < n {
		centres = append(centres, centres[0])
	}
	scale := make([]float64, n)
	for i := range scale {
		scale[i] = 1
	}
	share := total / float64(n)
	for range iterations {
		load := make([]float64, n)
		for a, at := range g.Atoms {
			best, bestD := 0, math.Inf(1)
			for i, c := range centres {
				if d := scale[i] * math.Hypot(at.Centre[0]-c[0], at.Centre[1]-c[1]); d < bestD {
					best, bestD = i, d
				}
			}
			labels[a] = best
			load[best] += atomWeight(g, a)
		}
		sum := make([][3]float64, n)
		for a, at := range g.Atoms {
			w := atomWeight(g, a)
			s := &sum[labels[a]]
			s[0] += w * at.Centre[0]
			s[1] += w * at.Centre[1]
			s[2] += w
		}
		for i := range centres {
			if sum[i][2] > 0 {
				centres[i] = [2]float64{sum[i][0] / sum[i][2], sum[i][1] / sum[i][2]}
			}
			scale[i] *= math.Pow((load[i]+1e-9)/share, 0.3)
		}
	}
	return labels
}

// MatchRegions renumbers regions [0, n) after the grids [0, grids) their
// atoms come from, maximising the households that stay in their grid (the
// assignment problem, solved exactly); regions beyond the grids get the
// numbers from grids on.
func MatchRegions(g *Graph, labels []int, n, grids int) []int {
	m := max(n, grids)
	gain := make([][]float64, m)
	for i := range gain {
		gain[i] = make([]float64, m)
	}
	for a, at := range g.Atoms {
		gain[labels[a]][at.Home] += float64(at.Households) + 1e-6*at.AreaM2
	}
	assign := maxAssignment(gain)
	out := make([]int, len(labels))
	for a, l := range labels {
		out[a] = assign[l]
	}
	return out
}

// maxAssignment solves the square assignment problem for the greatest
// total gain (the Hungarian algorithm, O(n³)): row i goes to column
// assign[i].
func maxAssignment(gain [][]float64) []int {
	n := len(gain)
	const inf = math.MaxFloat64 / 4
	// Minimise cost = -gain with potentials u (rows), v (columns); way and
	// p follow the classic shortest augmenting path formulation, 1-based.
	u, v := make([]float64, n+1), make([]float64, n+1)
	p, way := make([]int, n+1), make([]int, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		minv := make([]float64, n+1)
		used := make([]bool, n+1)
		for j := range minv {
			minv[j] = inf
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], inf, 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if cur := -gain[i0-1][j-1] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	assign := make([]int, n)
	for j := 1; j <= n; j++ {
		if p[j] > 0 {
			assign[p[j]-1] = j - 1
		}
	}
	return assign
}
