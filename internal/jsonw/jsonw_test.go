package jsonw_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gridplan/gridplan/internal/jsonw"
)

// TestSameAsEncodingJSON: every value is written as encoding/json writes it.
func TestSameAsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "410103001", "二七商圈", "a\"b\\c", "<&>", "tab\there", "\u2028", "a\u2029b", "bad \xff utf-8", "\x00\x01\b\f\n\r\x1f", "东陈庄<社区>&\"第2网格\"", "\xe4\xb8"} {
		want, _ := json.Marshal(s)
		if got := jsonw.AppendString(nil, s); string(got) != string(want) {
			t.Errorf("string %q: %s, want %s", s, got, want)
		}
	}
	for _, f := range []float64{0, 1, -1, 0.1, 12.34, 1e-7, 1.5e-9, 1e21, 1e20, 123456789.125, math.SmallestNonzeroFloat64, -0.000001} {
		want, _ := json.Marshal(f)
		if got := jsonw.AppendFloat(nil, f); string(got) != string(want) {
			t.Errorf("float %g: %s, want %s", f, got, want)
		}
	}
	o := jsonw.Begin(nil)
	o.String("code", "A", false)
	o.String("name", "", true)
	o.Ref("parent", nil)
	o.Int("n", 3)
	o.Float("x", 0.5)
	o.Bool("ok", true)
	if got := string(o.End()); got != `{"code":"A","parent":null,"n":3,"x":0.5,"ok":true}` {
		t.Errorf("object %s", got)
	}
}

// FuzzAppendString: any string is written as encoding/json writes it.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "二七区", "a\"b", "\x00", "\u2028", "\xff\xfe", "<script>&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := jsonw.AppendString(nil, s); string(got) != string(want) {
			t.Errorf("string %q: %s, want %s", s, got, want)
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := "东陈庄后街社区第2网格第1微网格"
	var buf []byte
	for b.Loop() {
		buf = jsonw.AppendString(buf[:0], s)
	}
}

// TestArrayInParts: a table long enough to be written in parts reads as
// encoding/json writes it, row for row and in order.
func TestArrayInParts(t *testing.T) {
	type row struct {
		N    int64  `json:"n"`
		Name string `json:"name"`
	}
	for _, n := range []int{0, 1, 2047, 2048, 4096, 10001} {
		rows := make([]row, n)
		for i := range rows {
			rows[i] = row{int64(i), "网格" + strconv.Itoa(i)}
		}
		got := jsonw.Array(nil, rows, func(o *jsonw.Object, r *row) {
			o.Int("n", r.N)
			o.String("name", r.Name, false)
		})
		want, _ := json.Marshal(rows)
		if n == 0 {
			want = []byte("[]")
		}
		if string(got) != string(want) {
			t.Errorf("%d rows: differs from encoding/json", n)
		}
	}
}

// TestShortDecimalsAsEncodingJSON: the report's rounded figures, written
// by integer arithmetic, are what encoding/json writes, and so is every
// other float near them.
func TestShortDecimalsAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 1_000_000 {
		var f float64
		switch i % 4 {
		case 0: // a rounded figure: an integer over 1, 10, 100 or 1000
			f = float64(r.Int64N(2e12)-1e12) / math.Pow10(r.IntN(4))
		case 1: // any float of the same range
			f = (r.Float64()*2 - 1) * math.Pow10(r.IntN(16)-4)
		case 2: // just beside a rounded figure
			f = math.Nextafter(math.Round(r.Float64()*1e6)/100, math.Inf(1-2*r.IntN(2)))
		default: // the edges of the fast path
			f = []float64{1e-3, -1e-3, 1e12, -1e12, math.Nextafter(1e12, 0), 0.0005, 999.9995, 0.1, 0.3, 2.675}[r.IntN(10)]
		}
		want, _ := json.Marshal(f)
		if got := jsonw.AppendFloat(nil, f); string(got) != string(want) {
			t.Fatalf("float %v (%b): %s, want %s", f, math.Float64bits(f), got, want)
		}
	}
}
