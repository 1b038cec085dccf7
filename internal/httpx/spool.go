package httpx

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strconv"
)

// spoolMemory is how much of a body a Spool keeps in memory before it
// moves to a temporary file: most answers (a page of features, a level of
// a district) fit, and fifty stuck clients then hold 50 MiB at most.
const spoolMemory = 1 << 20

// Spool holds a response body while the database work that produces it
// runs, so that the connection goes back to the pool before a single byte
// waits on the client: a client that never reads costs its own goroutine
// and spool, not a connection every other request needs. The body is kept
// in memory up to spoolMemory, the rest in a temporary file.
type Spool struct {
	// Memory is how much stays in memory before the body moves to a
	// file; 0 means spoolMemory. A cache that keeps whole answers sets
	// its entry limit here, so what it may keep never touches the disk.
	Memory int64
	mem    bytes.Buffer
	file   *os.File
	size   int64
	err    error
}

// Write appends to the body.
func (s *Spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.size += int64(len(p))
	limit := s.Memory
	if limit <= 0 {
		limit = spoolMemory
	}
	if s.file == nil && int64(s.mem.Len()+len(p)) <= limit {
		return s.mem.Write(p)
	}
	if s.file == nil {
		if s.file, s.err = os.CreateTemp("", "gridplan-spool-*"); s.err != nil {
			return 0, s.err
		}
		// Unlinked at once: the file goes when it is closed, whatever
		// happens to the process.
		os.Remove(s.file.Name())
		if _, s.err = s.mem.WriteTo(s.file); s.err != nil {
			return 0, s.err
		}
		s.mem = bytes.Buffer{}
	}
	var n int
	n, s.err = s.file.Write(p)
	return n, s.err
}

// Len is the body's length so far.
func (s *Spool) Len() int64 { return s.size }

// Bytes is the whole body when it is in memory, else nil.
func (s *Spool) Bytes() []byte {
	if s.file != nil {
		return nil
	}
	return s.mem.Bytes()
}

// Send answers with the body: status 200, its Content-Length, and the
// body in chunks that each must reach the client within WriteIdle.
func (s *Spool) Send(w http.ResponseWriter, r *http.Request) error {
	if s.err != nil {
		return s.err
	}
	w.Header().Set("Content-Length", strconv.FormatInt(s.size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if s.file == nil {
		_, err := w.Write(s.mem.Bytes())
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

// Close releases the temporary file, if any.
func (s *Spool) Close() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.mem = bytes.Buffer{}
}
