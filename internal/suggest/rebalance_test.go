package suggest

import (
	"slices"
	"testing"
)

func TestRebalanceMovesFewHouseholds(t *testing.T) {
	// A row of six cells: grid 0 holds three of 200 households (600, over
	// 300–500), grid 1 three of 50 (150, under). Handing grid 1 the one
	// cell next to it brings both within: 400 | 350, 200 households moved.
	g := mustBuild(t, latticeGround(t, 6, 1, 10, 2, func(i, _ int) int { return i / 3 }, func(i, _ int) int64 {
		if i < 3 {
			return 200
		}
		return 50
	}))
	rb, err := Rebalance(g, gridBand, 2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := rb.cost(); c.gap > costEps {
		t.Fatalf("gap %v left: %v", c.gap, rb.Label)
	}
	if h, area := rb.Moved(); h != 200 || area != 100 {
		t.Errorf("moved %d households and %v m², want 200 and 100", h, area)
	}
	steps, err := rb.Steps()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 || steps[0].Kind != "reshape" || steps[0].Target != 1 {
		t.Errorf("steps %+v, want one reshape of grid 1", steps)
	}
}

func TestRebalanceChainsThroughAFullGrid(t *testing.T) {
	// 0 | 1 | 2 in a row: 540, 480, 240 households. Grid 0 cannot hand its
	// surplus to grid 2 directly: grid 1 takes a cell from it and passes
	// one on (an ejection chain), or several single moves do the same.
	cells := []int64{180, 180, 180, 160, 160, 160, 80, 80, 80}
	g := mustBuild(t, latticeGround(t, 9, 1, 10, 3, func(i, _ int) int { return i / 3 }, func(i, _ int) int64 { return cells[i] }))
	rb, err := Rebalance(g, gridBand, 3, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := rb.cost(); c.gap > costEps {
		t.Fatalf("gap %v left: %v", c.gap, rb.Label)
	}
	if !connectedParts(g, rb.Label, 3) {
		t.Fatalf("a grid is in pieces: %v", rb.Label)
	}
	checkSteps(t, rb)
}

func TestRebalanceMergesAndCuts(t *testing.T) {
	// Three grids of a row of 150 households a cell: 1 + 1 + 2 cells hold
	// 150 | 150 | 300; 600 households make at most two grids of 300–500.
	g := mustBuild(t, latticeGround(t, 4, 1, 10, 3, func(i, _ int) int { return min(i, 2) }, func(int, int) int64 { return 150 }))
	rb, err := Rebalance(g, gridBand, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rb.Merges) != 1 || len(rb.Open()) != 2 || rb.cost().gap > costEps {
		t.Fatalf("merges %v, open %v, gap %v", rb.Merges, rb.Open(), rb.cost().gap)
	}
	checkSteps(t, rb)

	// One grid of 1,000 households in four cells needs a second grid.
	g = mustBuild(t, latticeGround(t, 4, 1, 10, 1, oneGrid, func(int, int) int64 { return 250 }))
	if rb, err = Rebalance(g, gridBand, 1, 2, nil); err != nil {
		t.Fatal(err)
	}
	if rb.CutFrom[1] != 0 || rb.cost().gap > costEps {
		t.Fatalf("new grid cut from %v, gap %v: %v", rb.CutFrom, rb.cost().gap, rb.Label)
	}
	steps := checkSteps(t, rb)
	if last := steps[len(steps)-1]; last.Kind != "split" || last.Parts != 2 {
		t.Errorf("last step %+v, want the split cutting the new grid out", last)
	}
}

// checkSteps replays a rebalancing's steps and requires each to leave
// every grid in one piece and the last to give the rebalanced labels.
func checkSteps(t *testing.T, rb *Rebalancing) []Step {
	t.Helper()
	steps, err := rb.Steps()
	if err != nil {
		t.Fatal(err)
	}
	cur := make([]int, len(rb.g.Atoms))
	for a, at := range rb.g.Atoms {
		cur[a] = at.Home
	}
	for i, st := range steps {
		switch st.Kind {
		case "merge":
			for a := range cur {
				if cur[a] == st.Merged {
					cur[a] = st.Target
				}
			}
		case "reshape":
			cur = slices.Clone(st.Labels)
		case "split":
			for a, l := range st.Labels {
				if l > 0 {
					cur[a] = rb.Label[a]
				}
			}
		}
		if !connectedParts(rb.g, cur, rb.Parts()) {
			t.Fatalf("step %d (%s) leaves a grid in pieces: %v", i, st.Kind, cur)
		}
	}
	if !slices.Equal(cur, rb.Label) {
		t.Fatalf("steps end at %v, not the rebalancing %v", cur, rb.Label)
	}
	return steps
}
