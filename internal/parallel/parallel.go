// Package parallel runs independent pieces of work on every core: the one
// worker pool of gridplan's checks and layers.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs fn(0), …, fn(n-1) on as many goroutines as there are cores (or
// n, if fewer), handing out the indexes one by one so uneven pieces even
// out, and returns when all are done.
func For(n int, fn func(i int)) {
	ForEach(n, func() struct{} { return struct{}{} }, func(_ struct{}, i int) { fn(i) })
}

// ForEach is For with state per worker: worker is called once on each
// goroutine (a search buffer, a scratch map), and fn gets that goroutine's
// state with each index it runs.
func ForEach[W any](n int, worker func() W, fn func(w W, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := worker()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(w, i)
			}
		})
	}
	wg.Wait()
}
