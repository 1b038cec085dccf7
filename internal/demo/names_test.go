package demo

import (
	"math/rand/v2"
	"testing"
)

func TestShortName(t *testing.T) {
	cases := []struct{ official, short, stem string }{
		{"淮河路街道办事处", "淮河路街道", "淮河路"},
		{"马寨镇", "马寨镇", "马寨"},
		{"侯寨乡", "侯寨乡", "侯寨"},
		{"淮河社区居民委员会", "淮河社区", "淮河"},
		{"鑫源国际花园社区居民管理委员会", "鑫源国际花园社区", "鑫源国际花园"},
		{"刘砦社区管理委员会", "刘砦社区", "刘砦"},
		{"香榭丽居民委员会", "香榭丽社区", "香榭丽"},
		{"郑州火车站地区拟居委会", "郑州火车站地区社区", "郑州火车站地区"},
		{"娄河村委会", "娄河村", "娄河"},
		{"某某村民委员会", "某某村", "某某"},
	}
	for _, c := range cases {
		if got := shortName(c.official); got != c.short {
			t.Errorf("shortName(%q) = %q, want %q", c.official, got, c.short)
		}
		if got := stem(c.short); got != c.stem {
			t.Errorf("stem(%q) = %q, want %q", c.short, got, c.stem)
		}
	}
}

func TestCNNumber(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{{1, "一"}, {7, "七"}, {10, "十"}, {12, "十二"}, {20, "二十"}, {99, "九十九"}, {100, "一百"}, {105, "一百零五"}, {110, "一百一十"}, {999, "九百九十九"}, {1000, "1000"}}
	for _, c := range cases {
		if got := cnNumber(c.n); got != c.want {
			t.Errorf("cnNumber(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestNameGen(t *testing.T) {
	g := newNameGen(rand.New(rand.NewPCG(1, 2)), []string{"淮河社区"})
	seen := map[string]bool{"淮河": true}
	for range 15000 { // beyond the syllable tables, into numbered names
		n := g.take()
		if seen[n] {
			t.Fatalf("name %q handed out twice", n)
		}
		seen[n] = true
	}
}

func TestApportion(t *testing.T) {
	cases := []struct {
		name    string
		weights []float64
		total   int
		lo      int
		caps    []int
		want    []int
	}{
		{"exact quotas", []float64{11, 1, 6}, 18, 1, nil, []int{11, 1, 6}},
		{"largest remainder", []float64{1, 1, 1}, 10, 0, nil, []int{4, 3, 3}},
		{"minimum", []float64{100, 0, 0}, 5, 1, nil, []int{3, 1, 1}},
		{"caps", []float64{10, 1}, 6, 0, []int{2, 10}, []int{2, 4}},
		{"zero weights share equally", []float64{0, 0}, 3, 0, nil, []int{2, 1}},
		{"lo beyond quotas", []float64{1, 1, 1, 1}, 2, 1, nil, []int{1, 1, 1, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := apportion(c.weights, c.total, c.lo, c.caps)
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}
