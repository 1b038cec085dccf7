package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/pgtest"
)

// heavyServer serves plan "heavy": grids of many vertices, so that its
// grid layer (about 3 MB of GeoJSON) is far more than a socket buffers.
func heavyServer(t *testing.T) *httptest.Server {
	t.Helper()
	db := srv.NewDB(t)
	p, err := db.CreatePlan(context.Background(), domain.Plan{Name: "heavy"})
	if err != nil {
		t.Fatal(err)
	}
	var grids []domain.Grid
	for i := range 20 {
		centre := orb.Point{113.60 + 0.01*float64(i), 34.70}
		ring := make(orb.Ring, 0, 4001)
		for k := range 4000 {
			a := 2 * math.Pi * float64(k) / 4000
			ring = append(ring, orb.Point{centre[0] + 0.004*math.Cos(a), centre[1] + 0.004*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		grids = append(grids, domain.Grid{Code: fmt.Sprintf("H%02d", i), Level: 1, Geometry: orb.MultiPolygon{{ring}}})
	}
	pgtest.ImportGrids(t, db, p, grids, domain.WGS84)
	ts := httptest.NewServer(httpapi.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{}))
	t.Cleanup(ts.Close)
	return ts
}

// stuckClient asks for path and never reads the answer, with a receive
// buffer of a few kilobytes so the server's writes block at once.
func stuckClient(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
	return conn
}

// TestStuckClientsCostOnlyThemselves: fifty clients that ask for a large
// layer and never read it leave the database free for everyone else —
// /readyz and a database-backed endpoint answer within a second — because
// answers are spooled before they are sent.
func TestStuckClientsCostOnlyThemselves(t *testing.T) {
	ts := heavyServer(t)
	addr := ts.Listener.Addr().String()
	for range 50 {
		stuckClient(t, addr, "/api/plans/heavy/grids")
	}
	// Fifty large answers take the two cores a moment to produce; what is
	// measured is the state after, while all fifty wait on their clients.
	// Each endpoint must answer every time, and within a second at best of
	// three tries (a shared machine may delay any single request).
	time.Sleep(2 * time.Second)
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/readyz", "/api/plans/heavy", "/api/plans/heavy/grids/H03"} {
		best := time.Hour
		for try := range 3 {
			start := time.Now()
			resp, err := client.Get(ts.URL + path)
			if err != nil {
				t.Fatalf("try %d: %s with 50 stuck clients: %v", try, path, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("try %d: %s with 50 stuck clients: %d", try, path, resp.StatusCode)
			}
			best = min(best, time.Since(start))
			time.Sleep(200 * time.Millisecond)
		}
		if best > time.Second {
			t.Errorf("%s with 50 stuck clients: %v at best, want within 1 s", path, best)
		}
	}
}
