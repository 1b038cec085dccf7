package main

import (
	"os"
	"runtime/debug"
)

// oneShotGCPercent is how far the heap of a command that runs once and
// exits (audit, import, export...) may grow past what is live before it is
// collected. Such a command starts with an empty heap and allocates tens
// of megabytes of which little stays live: at Go's default of 100 it is
// collected every few megabytes, a fifth of a cold balance audit's time.
// A server, whose caches stay live, keeps the default.
const oneShotGCPercent = 400

// oneShotGC sets the collector of a one-shot command and returns what puts
// the previous setting back. The memory limit a server holds itself to
// bounds the heap all the same (a scale-10 import is collected as it nears
// it). GOGC and GOMEMLIMIT in the environment are left to rule.
func oneShotGC() (restore func()) {
	percent, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		percent = debug.SetGCPercent(oneShotGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(defaultMemoryLimit)
	}
	return func() {
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}
