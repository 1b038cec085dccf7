package jsonw_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/gridplan/gridplan/internal/jsonw"
)

// TestSameAsEncodingJSON: every value is written as encoding/json writes it.
func TestSameAsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "410103001", "二七商圈", "a\"b\\c", "<&>", "tab\there", "\u2028", "bad \xff utf-8"} {
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
