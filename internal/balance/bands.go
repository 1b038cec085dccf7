package balance

import "github.com/gridplan/gridplan/internal/domain"

// The band arithmetic of the audit, for the redistricting assistant
// (internal/suggest), so that a suggestion judges a part exactly as the
// audit will judge the grid it becomes.

// Classify places a size against a band: Under, Within or Over.
func Classify(b domain.Band, persons, households float64) string {
	return classify(b, persons, households)
}

// Fit is 1 for a size mid-band and 0 at the band's edge (see Merge.Fit).
func Fit(b domain.Band, persons, households int64) float64 { return fit(b, persons, households) }

// SplitParts is the fewest parts that bring a grid to or below the band's
// maxima (see Split.Parts).
func SplitParts(b domain.Band, persons, households int64) int {
	return splitParts(b, persons, households)
}
