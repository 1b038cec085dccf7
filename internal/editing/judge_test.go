package editing_test

import "testing"

func TestJudgesOnDemo(t *testing.T) {
	f := newFixture(t, 0.1)
	f.judgeTiling(f.plan)
	f.judgeConserved(f.plan)
	d := f.draft("d")
	f.judgeTiling(d)
	f.judgeConserved(d)
}
