package cache_test

import (
	"testing"

	"github.com/gridplan/gridplan/internal/cache"
)

type blob struct{ n int64 }

func TestBudget(t *testing.T) {
	size := func(b *blob) int64 { return b.n }
	tests := []struct {
		name   string
		budget int64
		puts   []int64 // sizes put under keys 0, 1, 2, ...
		get    []int   // keys read after all puts, in order
		kept   []int   // keys expected kept
		used   int64
	}{
		{"all fit", 100, []int64{30, 30, 30}, nil, []int{0, 1, 2}, 90},
		{"oldest goes", 100, []int64{40, 40, 40}, nil, []int{1, 2}, 80},
		{"a read keeps an entry", 100, []int64{40, 40, 40}, []int{0}, []int{0, 2}, 80},
		{"one entry over budget stays", 100, []int64{10, 500}, nil, []int{1}, 500},
		{"no budget keeps nothing", 0, []int64{1}, nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cache.New[int, *blob](tt.budget, size)
			for k, n := range tt.puts {
				if k == len(tt.puts)-1 {
					for _, g := range tt.get {
						c.Get(g)
					}
				}
				c.Put(k, &blob{n})
			}
			for k := range tt.puts {
				_, ok := c.Get(k)
				want := false
				for _, kk := range tt.kept {
					want = want || kk == k
				}
				if ok != want {
					t.Errorf("key %d kept %v, want %v", k, ok, want)
				}
			}
			if c.Used() != tt.used {
				t.Errorf("used %d, want %d", c.Used(), tt.used)
			}
		})
	}
}

func TestSwapAndAccount(t *testing.T) {
	c := cache.New[string, *blob](100, func(b *blob) int64 { return b.n })
	a, b, other := &blob{10}, &blob{20}, &blob{5}
	c.Put("k", a)
	if c.Swap("k", other, b) {
		t.Error("swapped although another value is stored")
	}
	if !c.Swap("k", a, b) || c.Used() != 20 {
		t.Errorf("swap: used %d", c.Used())
	}
	b.n = 60
	c.Account("k")
	if c.Used() != 60 {
		t.Errorf("after growing: used %d, want 60", c.Used())
	}
}
