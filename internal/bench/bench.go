// Package bench measures gridplan against a reference run in the same
// process on the same data (a naive PostGIS query, pgRouting, ...), for the
// performance comparisons of `gridplan bench` and the README.
package bench

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// Result compares one gridplan operation with its reference.
type Result struct {
	Name      string        // what was measured, e.g. "coverage audit, scale 1"
	Reference time.Duration // the reference's median time; 0 when there is none
	RefName   string        // what the reference is, e.g. "naive PostGIS SQL"
	Measured  time.Duration // gridplan's median time
	Target    string        // the goal, e.g. "≥ 5× faster"
	Note      string        // sizes, counts, anything needed to read the figures
}

// Speedup is how many times faster gridplan is than the reference.
func (r Result) Speedup() float64 {
	if r.Measured == 0 || r.Reference == 0 {
		return 0
	}
	return float64(r.Reference) / float64(r.Measured)
}

// Median runs fn n times (after one warm-up run when warm is true) and
// returns the median duration. The first error stops it.
func Median(n int, warm bool, fn func() error) (time.Duration, error) {
	if warm {
		if err := fn(); err != nil {
			return 0, err
		}
	}
	return MedianAfter(n, nil, fn)
}

// MedianAfter runs setup (untimed; nil for none) and then fn, n times, and
// returns fn's median duration: for steps that need fresh state each time,
// such as an edit before a re-check. The first error stops it.
func MedianAfter(n int, setup, fn func() error) (time.Duration, error) {
	n = max(n, 1)
	times := make([]time.Duration, 0, n)
	for range n {
		if setup != nil {
			if err := setup(); err != nil {
				return 0, err
			}
		}
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// Step is one timed step of Interleaved, with its untimed setup (nil for
// none).
type Step struct {
	Setup, Run func() error
}

// Interleaved runs the steps in turn, n rounds, and returns each step's
// median duration. Taking turns exposes gridplan and its reference to the
// same load, which matters on a machine shared with other work.
func Interleaved(n int, steps ...Step) ([]time.Duration, error) {
	n = max(n, 1)
	times := make([][]time.Duration, len(steps))
	for range n {
		for i, s := range steps {
			if s.Setup != nil {
				if err := s.Setup(); err != nil {
					return nil, err
				}
			}
			start := time.Now()
			if err := s.Run(); err != nil {
				return nil, err
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	medians := make([]time.Duration, len(steps))
	for i, t := range times {
		slices.Sort(t)
		medians[i] = t[len(t)/2]
	}
	return medians, nil
}

// WriteTable prints results as an aligned table.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "measurement\treference\tref time\tgridplan\tspeed-up\ttarget\tnote")
	for _, r := range results {
		ref, speed := "-", "-"
		if r.Reference > 0 {
			ref = ms(r.Reference)
			speed = fmt.Sprintf("%.1f×", r.Speedup())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.RefName, ref, ms(r.Measured), speed, r.Target, r.Note)
	}
	return tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
