package suggest

import (
	"fmt"
	"slices"
)

// Step is one op of a rebalancing, in the order the editing layer applies
// them: a merge of grid Merge into Into, a reshape of grid Target to the
// atoms labelled Target in Labels, or a split of grid Split into the parts
// Labels gives its atoms (0 keeps nothing: every part of a split is new).
type Step struct {
	Kind   string // "merge", "reshape" or "split"
	Target int    // reshape: the grid that grows; split: the grid cut; merge: the grid kept
	Merged int    // merge: the grid merged away
	Labels []int  // reshape: every atom's grid after the step; split: atom → part (-1 elsewhere)
	Parts  int    // split: how many parts
}

// Steps orders a rebalancing into ops each of which leaves every grid in
// one piece, as the editing layer requires: first the merges; then, grid
// by grid, the atoms each grid takes from its neighbours (one reshape per
// run of atoms into one grid, each atom bordering the grid when it
// moves and leaving its old grid whole); last the splits that cut the new
// grids out of the grids holding them. Atoms of new grids wait in the
// grid they are cut from.
func (rb *Rebalancing) Steps() ([]Step, error) {
	g := rb.g
	cur := make([]int, len(g.Atoms))
	for a, at := range g.Atoms {
		cur[a] = at.Home
	}
	var steps []Step
	for _, m := range rb.Merges {
		r, into := m[0], m[1]
		for a := range cur {
			if cur[a] == r {
				cur[a] = into
			}
		}
		steps = append(steps, Step{Kind: "merge", Target: into, Merged: r})
	}
	// Where each atom must be before the splits.
	want := make([]int, len(cur))
	for a, l := range rb.Label {
		want[a] = l
		if from, ok := rb.CutFrom[l]; ok {
			want[a] = from
		}
	}
	p := NewPartition(g, rb.band, cur, rb.Grids)
	last := -1
	for {
		pending := false
		for a := range cur {
			if p.Label[a] != want[a] {
				pending = true
				break
			}
		}
		if !pending {
			break
		}
		target := -1
		for _, t := range append([]int{last}, seq(rb.Grids)...) {
			if t >= 0 && p.canTake(t, want) {
				target = t
				break
			}
		}
		if target < 0 {
			stuck := &unordered{}
			for a := range cur {
				if p.Label[a] != want[a] {
					stuck.atoms = append(stuck.atoms, int32(a))
				}
			}
			return nil, stuck
		}
		for p.take(target, want) {
		}
		steps = append(steps, Step{Kind: "reshape", Target: target, Labels: slices.Clone(p.Label)})
		last = target
	}
	cut := map[int][]int{}
	for j, from := range rb.CutFrom {
		cut[from] = append(cut[from], j)
	}
	for _, from := range sortedKeys(cut) {
		news := cut[from]
		slices.Sort(news)
		labels := make([]int, len(cur))
		for a, l := range rb.Label {
			labels[a] = -1
			if l == from {
				labels[a] = 0
			} else if k := slices.Index(news, l); k >= 0 {
				labels[a] = k + 1
			}
		}
		steps = append(steps, Step{Kind: "split", Target: from, Labels: labels, Parts: len(news) + 1})
	}
	return steps, nil
}

// unordered says which atoms' moves could not be ordered into ops that
// keep every grid in one piece (each waits for another to move first).
type unordered struct{ atoms []int32 }

func (u *unordered) Error() string {
	return fmt.Sprintf("suggest: the moves of %d atoms cannot be ordered into ops that keep every grid in one piece", len(u.atoms))
}

// canTake reports whether grid t can take one of the atoms that must come
// to it now.
func (p *Partition) canTake(t int, want []int) bool {
	for a := range p.Label {
		if want[a] == t && p.Label[a] != t && p.borders(int32(a), t) && p.canLeave(int32(a)) {
			return true
		}
	}
	return false
}

// take moves into grid t the first atom that must come to it and can; it
// reports whether there was one.
func (p *Partition) take(t int, want []int) bool {
	for a := range p.Label {
		if want[a] == t && p.Label[a] != t && p.borders(int32(a), t) && p.canLeave(int32(a)) {
			p.move(int32(a), t)
			return true
		}
	}
	return false
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func sortedKeys[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
