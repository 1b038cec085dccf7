package suggest

import (
	"cmp"
	"slices"
)

// unionFind joins faces into atoms.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the classes of i and j, the smaller index becoming the root
// so that atoms are numbered in face order whatever the joins' order.
func (u *unionFind) union(i, j int) {
	a, b := u.find(i), u.find(j)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	u.parent[b] = a
}

// sortLinks orders an atom's links by neighbour, so that searches visit
// them in the same order on every run.
func sortLinks(ls []Link) {
	slices.SortFunc(ls, func(a, b Link) int { return cmp.Compare(a.To, b.To) })
}
