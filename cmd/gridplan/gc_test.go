package main

import (
	"runtime/debug"
	"testing"
)

// A one-shot command collects at GOGC 400 within the server's memory
// limit, unless the environment says otherwise; restore puts back what
// was set.
func TestOneShotGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	restore := oneShotGC()
	if got := debug.SetGCPercent(oneShotGCPercent); got != oneShotGCPercent {
		t.Errorf("GC percent %d, want %d", got, oneShotGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, defaultMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 123 {
		t.Errorf("after restore: GC percent %d, want 123", got)
	}
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	restore = oneShotGC()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("with GOGC=50 in the environment: GC percent %d", got)
	}
	restore()
}
