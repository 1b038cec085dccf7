package geojsonio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

// countingWriter counts bytes handed to the pipe, i.e. bytes the reader has
// taken: io.Pipe has no buffer.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// generate writes a FeatureCollection of n unit points into a pipe, with
// "type" after "features" so the reader cannot rely on member order.
func generate(n int) (io.Reader, *countingWriter) {
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	go func() {
		bw := bufio.NewWriterSize(cw, 4096)
		bw.WriteString(`{"features":[`)
		for i := range n {
			if i > 0 {
				bw.WriteByte(',')
			}
			fmt.Fprintf(bw, `{"type":"Feature","id":%d,"properties":{"persons":%d,"households":%d,"name":"building %d"},"geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
				i, i%97, i%31, i, 113.5+float64(i%1000)*1e-4, 34.6+float64(i/1000)*1e-4)
			fmt.Fprintln(bw)
		}
		bw.WriteString(`],"type":"FeatureCollection"}`)
		pw.CloseWithError(bw.Flush())
	}()
	return pr, cw
}

func TestReadStreams(t *testing.T) {
	const n = 200_000
	r, cw := generate(n)
	var first int64
	_, err := readFeatures(r, Source{File: "big.geojson"}, func(i int, f *rawFeature) error {
		if i == 100 {
			first = cw.n.Load()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := cw.n.Load()
	// The decoder may read ahead a little, but by feature 100 it must have
	// taken a tiny part of the ~30 MB.
	if first > 1<<20 || total < 20<<20 {
		t.Errorf("had read %d of %d bytes at features[100]; want streaming", first, total)
	}
}

func TestReadUnitsThroughPipe(t *testing.T) {
	const n = 200_000
	r, _ := generate(n)
	units, err := ReadUnits(r, "big.geojson", DefaultUnitFields())
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != n {
		t.Fatalf("read %d units; want %d", len(units), n)
	}
	last := units[n-1]
	if last.Persons != (n-1)%97 || last.Households != (n-1)%31 || last.Name != fmt.Sprintf("building %d", n-1) {
		t.Errorf("last unit = %+v", last)
	}
}

type brokenReader struct{ err error }

func (b brokenReader) Read([]byte) (int, error) { return 0, b.err }

func TestReadErrorsOfTheReader(t *testing.T) {
	_, err := ReadGrids(brokenReader{errors.New("is a directory")}, "dir", DefaultGridFields())
	checkInvalid(t, err, "dir: cannot read: is a directory")

	limit := domain.Errorf(domain.ErrTooLarge, "upload exceeds 100 MiB")
	r := io.MultiReader(strings.NewReader(`{"type":"FeatureCollection","features":[`), brokenReader{limit})
	if _, err := ReadGrids(r, "up.geojson", DefaultGridFields()); err != limit {
		t.Errorf("got %v; want the reader's own domain error", err)
	}
}
