package httpx

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"time"
)

// WriteIdle is how long one chunk of an answer may wait on the client. A
// client that reads nothing for this long is dropped; one that reads
// slowly but steadily is served however long the answer takes, which a
// server-wide write timeout would not allow for a large export.
const WriteIdle = 30 * time.Second

// writeChunk bounds the bytes one deadline covers, so a large cached body
// is also sent against the idle limit rather than one long deadline.
const writeChunk = 256 << 10

// WriteDeadlines is middleware giving every write of an answer its own
// deadline of idle from the time it starts (see WriteIdle).
func WriteDeadlines(idle time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			iw := &idleWriter{ResponseWriter: w, rc: http.NewResponseController(w), idle: idle}
			// A keep-alive connection still carries the deadline of its
			// previous answer: clear it, so however long this request
			// works before answering, its first bytes are not late.
			_ = iw.rc.SetWriteDeadline(time.Time{})
			next.ServeHTTP(iw, r)
		})
	}
}

// idleWriter sets the connection's write deadline before each chunk.
type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
}

func (w *idleWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), writeChunk)
		// Unsupported only under test recorders, which never block.
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.idle))
		k, err := w.ResponseWriter.Write(p[:n])
		written += k
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// WriteHeader starts the answer's clock too: headers of an answer without a
// body are sent when the handler returns.
func (w *idleWriter) WriteHeader(status int) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.idle))
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController and middleware reach the original.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes on, under the same deadline.
func (w *idleWriter) Flush() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.idle))
	_ = w.rc.Flush()
}

// Hijack passes hijacking on (websocket-style upgrades).
func (w *idleWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.rc.Hijack() }

// ReadIdle is how long a request body may take to arrive: an 8 MiB edit
// needs well under a second on any working link, so a client that sends
// its body this slowly (or not at all) is cut off instead of holding a
// handler.
const ReadIdle = 30 * time.Second

// BodyDeadlines is middleware giving a request body d to arrive. The
// deadline is lifted once the body is read to its end or closed, so that
// a handler working longer than d afterwards is not cut off by the
// server's own background read.
func BodyDeadlines(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody {
				rc := http.NewResponseController(w)
				if rc.SetReadDeadline(time.Now().Add(d)) == nil {
					r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// deadlineBody lifts the read deadline when the body ends.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.lift()
	}
	return n, err
}

func (b *deadlineBody) Close() error {
	b.lift()
	return b.ReadCloser.Close()
}

func (b *deadlineBody) lift() {
	if !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
}
