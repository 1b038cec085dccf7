package bench_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gridplan/gridplan/internal/bench"
)

func TestMedian(t *testing.T) {
	calls := 0
	d, err := bench.Median(3, true, func() error {
		calls++
		time.Sleep(time.Duration(calls) * time.Millisecond)
		return nil
	})
	if err != nil || calls != 4 || d < 3*time.Millisecond {
		t.Fatalf("median %v after %d calls, %v", d, calls, err)
	}
	boom := errors.New("boom")
	if _, err := bench.Median(3, false, func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("error not passed on: %v", err)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	err := bench.WriteTable(&b, []bench.Result{{Name: "audit", RefName: "naive SQL", Reference: 100 * time.Millisecond,
		Measured: 20 * time.Millisecond, Target: "≥ 5×"}})
	if err != nil || !strings.Contains(b.String(), "5.0×") || !strings.Contains(b.String(), "100.0 ms") {
		t.Fatalf("table: %q %v", b.String(), err)
	}
}

func TestMedianAfter(t *testing.T) {
	setups, calls := 0, 0
	d, err := bench.MedianAfter(3, func() error {
		setups++
		time.Sleep(20 * time.Millisecond) // untimed
		return nil
	}, func() error {
		calls++
		return nil
	})
	if err != nil || setups != 3 || calls != 3 || d >= 20*time.Millisecond {
		t.Fatalf("median %v after %d setups and %d calls, %v: setup time must not count", d, setups, calls, err)
	}
}

func TestInterleaved(t *testing.T) {
	var order []string
	step := func(name string, d time.Duration) bench.Step {
		return bench.Step{Setup: func() error { order = append(order, "setup "+name); return nil },
			Run: func() error { order = append(order, name); time.Sleep(d); return nil }}
	}
	got, err := bench.Interleaved(2, step("a", time.Millisecond), step("b", 3*time.Millisecond))
	if err != nil || len(got) != 2 || got[0] >= got[1] {
		t.Fatalf("medians %v, %v", got, err)
	}
	if strings.Join(order, ",") != "setup a,a,setup b,b,setup a,a,setup b,b" {
		t.Errorf("order %v", order)
	}
}
