package parallel_test

import (
	"sync/atomic"
	"testing"

	"github.com/gridplan/gridplan/internal/parallel"
)

func TestEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		seen := make([]atomic.Int32, n)
		var workers atomic.Int32
		parallel.ForEach(n, func() int { return int(workers.Add(1)) }, func(_ int, i int) { seen[i].Add(1) })
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("n=%d: index %d ran %d times", n, i, seen[i].Load())
			}
		}
		if int(workers.Load()) > max(n, 0) && n > 0 {
			t.Errorf("n=%d: %d workers", n, workers.Load())
		}
	}
}
