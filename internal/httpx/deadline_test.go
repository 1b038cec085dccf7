package httpx_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/httpx"
)

// TestDeadlines: a client that stops sending its body, or stops reading
// the answer, is cut off after the idle time instead of holding its
// handler for ever; a handler that works longer than the body deadline
// after reading its body is not.
func TestDeadlines(t *testing.T) {
	const idle = 200 * time.Millisecond
	type outcome struct {
		err  error
		took time.Duration
	}
	results := make(chan outcome, 4)
	mux := http.NewServeMux()
	mux.HandleFunc("/body", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		_, err := io.ReadAll(r.Body)
		results <- outcome{err, time.Since(start)}
	})
	mux.HandleFunc("/answer", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		_, err := w.Write([]byte(strings.Repeat("x", 64<<20)))
		results <- outcome{err, time.Since(start)}
	})
	mux.HandleFunc("/slow-work", func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		time.Sleep(3 * idle) // longer than the body deadline
		fmt.Fprint(w, "done")
	})
	ts := httptest.NewServer(httpx.WriteDeadlines(idle)(httpx.BodyDeadlines(idle)(mux)))
	defer ts.Close()
	addr := ts.Listener.Addr().String()

	for _, c := range []struct{ name, request string }{
		{"a body that stops", "PUT /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"partial\":"},
		{"an answer nobody reads", "GET /answer HTTP/1.1\r\nHost: x\r\n\r\n"},
	} {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
		}}
		conn, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(conn, c.request)
		select {
		case o := <-results:
			if o.err == nil || o.took > 2*time.Second {
				t.Errorf("%s: handler got %v after %v, want an error after about %v", c.name, o.err, o.took, idle)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: the handler is still waiting after 5 s", c.name)
		}
		conn.Close()
	}
	resp, err := http.Post(ts.URL+"/slow-work", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "done" {
		t.Errorf("work past the body deadline: %d %q, want the answer", resp.StatusCode, b)
	}
}
