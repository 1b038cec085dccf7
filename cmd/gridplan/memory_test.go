package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/bench"
	"github.com/gridplan/gridplan/internal/demo"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
)

// TestServerHoldsItsMemoryLimit: a server wired as serve wires it (its
// memory limit, its caches' budgets), serving twenty seconds of the full
// demo's items pages of ten thousand grids at random places (so mostly
// uncached) while eight clients ask for the same cold audit at once,
// stays within its memory limit, and the eight audits are one computation
// (one report, generated once). At 36ec27c the peak was 1,139 MB and the
// audits were computed apart.
func TestServerHoldsItsMemoryLimit(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, srv.NewDSN(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The district the server was probed on: the full demo, not the
	// tenth the other tests use.
	if _, err := demo.Load(ctx, db, demo.LoadOptions{Plan: "demo", Seed: 1, Scale: 1}); err != nil {
		t.Fatal(err)
	}
	plan, err := db.Plan(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acc := access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(defaultMemoryLimit))
	auditor := newAuditor(db, budgetOf(defaultMemoryLimit).perCheck)
	ts := httptest.NewServer(httpapi.New(db, log, serverOptions(db, log, auditor, acc, budgetOf(defaultMemoryLimit))))
	defer ts.Close()

	// What loading the demo took is not the server's: the peak starts now.
	runtime.GC()
	debug.FreeOSMemory()
	if err := bench.ResetPeakRSS(); err != nil {
		t.Skipf("no peak to reset on this system: %v", err) // not Linux
	}
	before := bench.ResidentMB("VmRSS")
	get := func(path string) ([]byte, error) {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %d %.200s", path, res.StatusCode, body)
		}
		return body, err
	}
	var maxID int64
	if err := db.Pool().QueryRow(ctx, `SELECT max(id) FROM grid WHERE ws_id = $1`, plan.Workspace).Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var pages, readErrs int64
	var mu sync.Mutex
	for r := range 4 {
		readers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := get(fmt.Sprintf("/collections/%s-level-4/items?limit=10000&after=%d", plan.Name, rng.Int64N(maxID)))
				mu.Lock()
				pages++
				if err != nil {
					readErrs++
					t.Error(err)
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(2 * time.Second)
	generated := make([]string, 8)
	var audits sync.WaitGroup
	for i := range generated {
		audits.Go(func() {
			body, err := get("/api/plans/" + plan.Name + "/audit?checks=coverage,balance,circles")
			if err != nil {
				t.Error(err)
				return
			}
			var r struct {
				GeneratedAt string `json:"generated_at"`
			}
			if err := json.Unmarshal(body, &r); err != nil {
				t.Error(err)
			}
			generated[i] = r.GeneratedAt
		})
	}
	audits.Wait()
	time.Sleep(14 * time.Second) // twenty seconds of reading in all, as the probe read
	close(stop)
	readers.Wait()
	peak := bench.ResidentMB("VmHWM")
	t.Logf("%d item pages, %d errors; RSS %d MB before, peak %d MB, limit %d MB", pages, readErrs, before, peak, defaultMemoryLimit>>20)
	if peak<<20 > defaultMemoryLimit {
		t.Errorf("peak resident memory %d MB, over the %d MB limit", peak, defaultMemoryLimit>>20)
	}
	for i, g := range generated {
		if g == "" || g != generated[0] {
			t.Errorf("audit %d was generated at %q, audit 0 at %q: not one computation", i, g, generated[0])
		}
	}
}
