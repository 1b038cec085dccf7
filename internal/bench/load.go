package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// loadReaders is how many clients read each kind at once (items, tiles,
// grids): a few map users and GIS clients, each asking for the next answer
// as soon as it has one.
const loadReaders = 3

// loadEditEvery is the writer's pace: a planner editing three times a
// second.
const loadEditEvery = 333 * time.Millisecond

// Load serves the plan as `gridplan serve` does, on a loopback port, and
// for a fixed time runs readers on a draft's items pages (at random
// offsets, so mostly not cached), vector tiles at z14 and grids in small
// boxes: first alone, then while a writer edits the draft (POST
// /drafts/{d}/changes) three times a second. It reports, per phase and
// kind, requests per second, the median and 99th-percentile latency and
// errors, and the process's resident memory before, after and at peak.
func Load(ctx context.Context, s Setup) ([]Result, error) {
	rssBefore := ResidentMB("VmRSS")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: s.NewHandler(s.NewAuditor())}
	go srv.Serve(ln)
	defer srv.Close()
	token, err := s.Token(ctx)
	if err != nil {
		return nil, err
	}
	l := &loadRun{base: "http://" + ln.Addr().String(), plan: s.Plan.Name, draft: "bench_load", token: token,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: loadReaders * 4}}}
	if err := l.prepare(); err != nil {
		return nil, err
	}
	// One round of every kind first: the layers and models a running
	// server holds are loaded, so the phases measure serving.
	l.phase(2*time.Second, false)
	half := max(s.Duration/2, time.Second)
	var results []Result
	for _, phase := range []struct {
		name   string
		writer bool
	}{{"readers alone", false}, {"readers while a planner edits 3×/s", true}} {
		stats, edits := l.phase(half, phase.writer)
		for _, kind := range []string{"items", "tiles", "grids"} {
			results = append(results, stats[kind].result(fmt.Sprintf("load, %s: %s", phase.name, kind), half))
		}
		if phase.writer {
			results = append(results, edits.result("load: the writer's change sets", half))
		}
	}
	audits, err := l.concurrentAudits(8)
	if err != nil {
		return nil, err
	}
	results = append(results, audits)
	results = append(results, Result{Name: "load: resident memory", Note: fmt.Sprintf(
		"RSS %d MB before the server, %d MB after the run, %d MB at peak", rssBefore, ResidentMB("VmRSS"), ResidentMB("VmHWM"))})
	return results, nil
}

// loadRun is one load run's server, draft and what the readers pick from.
type loadRun struct {
	base, plan, draft string
	token             string // the writer's credential
	client            *http.Client
	ids               []int64
	codes             []string
	tiles             []maptile.Tile
	bound             orb.Bound
	version           int64
}

// prepare opens (or reuses) the draft, audits it once, as the map does,
// and lists its micro-grids and the z14 tiles over them.
func (l *loadRun) prepare() error {
	resp, err := l.post("/api/plans/"+l.plan+"/drafts", `{"name":"`+l.draft+`"}`)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusConflict {
		return fmt.Errorf("create draft %s: %s", l.draft, resp.Status)
	}
	if _, err := l.get("/api/plans/" + l.plan + "/audit?draft=" + l.draft); err != nil {
		return err
	}
	body, err := l.get("/api/plans/" + l.plan + "/drafts/" + l.draft)
	if err != nil {
		return err
	}
	var d struct{ Version int64 }
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	l.version = d.Version
	body, err = l.get(l.items() + "?limit=10000")
	if err != nil {
		return err
	}
	var fc struct {
		Features []struct {
			ID         int64
			Properties map[string]any
			Geometry   json.RawMessage
		}
	}
	if err := json.Unmarshal(body, &fc); err != nil {
		return err
	}
	for i, f := range fc.Features {
		l.ids = append(l.ids, f.ID)
		l.codes = append(l.codes, fmt.Sprint(f.Properties["code"]))
		var g struct{ Coordinates [][][][2]float64 }
		json.Unmarshal(f.Geometry, &g)
		for _, poly := range g.Coordinates {
			for _, ring := range poly {
				for _, p := range ring {
					if i == 0 && l.bound.IsZero() {
						l.bound = orb.Bound{Min: p, Max: p}
					}
					l.bound = l.bound.Extend(orb.Point(p))
				}
			}
		}
	}
	if len(l.ids) == 0 {
		return fmt.Errorf("plan %s has no micro-grids to read", l.plan)
	}
	min, max := maptile.At(l.bound.Min, 14), maptile.At(l.bound.Max, 14)
	for x := min.X; x <= max.X; x++ {
		for y := max.Y; y <= min.Y; y++ {
			l.tiles = append(l.tiles, maptile.New(x, y, 14))
		}
	}
	return nil
}

func (l *loadRun) items() string {
	return fmt.Sprintf("/plans/%s/drafts/%s/collections/%s-level-4/items", l.plan, l.draft, l.plan)
}

func (l *loadRun) get(path string) ([]byte, error) {
	resp, err := l.client.Get(l.base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode >= 400 {
		err = fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return b, err
}

// phase runs the readers (and the writer) for d.
func (l *loadRun) phase(d time.Duration, writer bool) (map[string]*latencies, *latencies) {
	stats := map[string]*latencies{"items": {}, "tiles": {}, "grids": {}}
	edits := &latencies{}
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for k := range 3 * loadReaders { // a kind per reader, so one kind's latency holds up no other
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(k), uint64(time.Now().UnixNano())))
			for time.Now().Before(stop) {
				kind, path := l.pick(rng, k)
				start := time.Now()
				_, err := l.get(path)
				stats[kind].add(time.Since(start), err)
			}
		})
	}
	if writer {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				start := time.Now()
				err := l.edit(i)
				edits.add(time.Since(start), err)
				time.Sleep(max(0, loadEditEvery-time.Since(start)))
			}
		})
	}
	wg.Wait()
	return stats, edits
}

// pick chooses the reader's next request, kinds in turn.
func (l *loadRun) pick(rng *rand.Rand, k int) (string, string) {
	switch k % 3 {
	case 0:
		return "items", fmt.Sprintf("%s?limit=100&after=%d", l.items(), l.ids[rng.IntN(len(l.ids))]-1)
	case 1:
		t := l.tiles[rng.IntN(len(l.tiles))]
		return "tiles", fmt.Sprintf("/plans/%s/drafts/%s/tiles/%s-level-4/%d/%d/%d.mvt", l.plan, l.draft, l.plan, t.Z, t.X, t.Y)
	}
	x := l.bound.Min[0] + rng.Float64()*(l.bound.Max[0]-l.bound.Min[0])
	y := l.bound.Min[1] + rng.Float64()*(l.bound.Max[1]-l.bound.Min[1])
	return "grids", fmt.Sprintf("/api/plans/%s/grids?draft=%s&level=4&bbox=%f,%f,%f,%f", l.plan, l.draft, x, y, x+0.01, y+0.01)
}

// post sends a JSON body with the writer's credential.
func (l *loadRun) post(path, body string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, l.base+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.token)
	return l.client.Do(req)
}

// edit sends one change set: a property of a micro-grid.
func (l *loadRun) edit(i int) error {
	body := fmt.Sprintf(`{"base":%d,"ops":[{"op":"set","grid":%q,"properties":{"load_round":%d}}]}`,
		l.version, l.codes[max(i, 0)%len(l.codes)], i)
	resp, err := l.post("/api/plans/"+l.plan+"/drafts/"+l.draft+"/changes", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var res struct {
		DraftVersion int64 `json:"draft_version"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("change set: %s %v", resp.Status, err)
	}
	l.version = res.DraftVersion
	return nil
}

// concurrentAudits edits the draft once, then has n clients audit it at
// once with every check, as a team opening the map after a change would.
func (l *loadRun) concurrentAudits(n int) (Result, error) {
	if err := l.edit(-1); err != nil {
		return Result{}, err
	}
	stats := &latencies{}
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			t := time.Now()
			_, err := l.get("/api/plans/" + l.plan + "/audit?draft=" + l.draft + "&checks=coverage,balance,circles")
			stats.add(time.Since(t), err)
		})
	}
	wg.Wait()
	r := stats.result(fmt.Sprintf("load: %d audits at once after an edit", n), time.Since(start))
	r.Note += fmt.Sprintf("; RSS then %d MB", ResidentMB("VmRSS"))
	return r, nil
}

// latencies collects one kind's request times.
type latencies struct {
	mu     sync.Mutex
	times  []time.Duration
	errors int
}

func (s *latencies) add(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errors++
		return
	}
	s.times = append(s.times, d)
}

// result reports the kind's rate, median and 99th percentile over d.
func (s *latencies) result(name string, d time.Duration) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.Sort(s.times)
	q := func(p float64) time.Duration {
		if len(s.times) == 0 {
			return 0
		}
		return s.times[min(len(s.times)-1, int(p*float64(len(s.times))))]
	}
	return Result{Name: name, Measured: q(0.5), Note: fmt.Sprintf("%.0f req/s, p50 %s, p99 %s, %d errors",
		float64(len(s.times))/d.Seconds(), ms(q(0.5)), ms(q(0.99)), s.errors)}
}

// ResidentMB reads a memory figure of this process (VmRSS: resident now,
// VmHWM: the peak) from /proc, in MB; 0 where there is no /proc.
func ResidentMB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb / 1024
		}
	}
	return 0
}

// ResetPeakRSS makes this process's peak resident memory (VmHWM) its
// resident memory now, so that a later reading is the peak of what came
// after (Linux's clear_refs).
func ResetPeakRSS() error { return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
