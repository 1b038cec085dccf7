package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Suffixes of official names that the grid names drop, longest first, with
// what replaces them: 淮河社区居民委员会 → 淮河社区, 娄河村委会 → 娄河村.
var officialSuffixes = [...]struct{ suffix, short string }{
	{"社区居民管理委员会", "社区"},
	{"社区居民委员会", "社区"},
	{"社区管理委员会", "社区"},
	{"居民管理委员会", "社区"},
	{"居民委员会", "社区"},
	{"村民委员会", "村"},
	{"拟居委会", "社区"},
	{"村委会", "村"},
	{"办事处", ""},
}

// shortName turns an official division name into the name its grid carries.
func shortName(official string) string {
	for _, s := range officialSuffixes {
		if strings.HasSuffix(official, s.suffix) {
			return strings.TrimSuffix(official, s.suffix) + s.short
		}
	}
	return official
}

// stem drops the kind of division from a short name (淮河社区 → 淮河), for
// naming things after the place.
func stem(name string) string {
	for _, s := range [...]string{"街道", "社区", "村", "镇", "乡"} {
		if t := strings.TrimSuffix(name, s); t != name && t != "" {
			return t
		}
	}
	return name
}

// Syllables of invented place names for synthetic streets and communities.
var (
	nameHeads = []rune("金银锦华福瑞康和安泰兴盛嘉祥永昌荣新丰景怡春秀翠碧青文明德兰桂梅松柏桃杏凤龙云")
	nameMids  = []rune("家花光阳山水民宁乐平")
	nameTails = []rune("源苑园湖河庄岭湾坡城林泉溪桥台阁坊里岗洼沟寨营屯峰港塘堤")
)

// nameGen hands out invented place names, none repeated and none equal to a
// real one, in an order shuffled by the seed.
type nameGen struct {
	names []string
	next  int
	used  map[string]bool
}

func newNameGen(rng *rand.Rand, real []string) *nameGen {
	g := &nameGen{used: map[string]bool{}}
	for _, r := range real {
		g.used[stem(r)] = true
	}
	var two, three []string
	for _, h := range nameHeads {
		for _, t := range nameTails {
			two = append(two, string([]rune{h, t}))
			for _, m := range nameMids {
				three = append(three, string([]rune{h, m, t}))
			}
		}
	}
	rng.Shuffle(len(two), func(i, j int) { two[i], two[j] = two[j], two[i] })
	rng.Shuffle(len(three), func(i, j int) { three[i], three[j] = three[j], three[i] })
	g.names = append(two, three...)
	return g
}

// take returns the next unused invented name (a stem such as 锦源).
func (g *nameGen) take() string {
	for g.next < len(g.names) {
		n := g.names[g.next]
		g.next++
		if !g.used[n] {
			g.used[n] = true
			return n
		}
	}
	// Beyond ~12,000 names: number them, still unique.
	g.next++
	return "新区" + cnNumber(g.next)
}

// cnNumber writes 1..999 in Chinese numerals (七, 十二, 一百零五).
func cnNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	if n <= 0 || n > 999 {
		return strconv.Itoa(n)
	}
	var b strings.Builder
	h, t, u := n/100, n/10%10, n%10
	if h > 0 {
		b.WriteString(digits[h] + "百")
		if t == 0 && u > 0 {
			b.WriteString("零")
		}
	}
	if t > 0 {
		if t > 1 || h > 0 {
			b.WriteString(digits[t])
		}
		b.WriteString("十")
	}
	if u > 0 {
		b.WriteString(digits[u])
	}
	return b.String()
}

// specialKinds are the categories of third-level special grids, with their
// share, the institutions they are named after and their size in atoms
// (about 1,600 m² each) in town and in the country.
var specialKinds = [...]struct {
	category       string
	share          float64
	names          []string
	urban, rural   [2]int
	carveOutChance float64
}{
	{"school", 0.34, []string{"小学", "中学", "实验学校", "幼儿园"}, [2]int{4, 12}, [2]int{6, 16}, 0.4},
	{"hospital", 0.12, []string{"医院", "中医院", "妇幼保健院"}, [2]int{4, 14}, [2]int{4, 10}, 0.35},
	{"market", 0.20, []string{"农贸市场", "批发市场", "商贸城"}, [2]int{2, 8}, [2]int{3, 10}, 0.2},
	{"park", 0.16, []string{"公园", "游园", "湿地公园"}, [2]int{6, 24}, [2]int{10, 40}, 0.15},
	{"government_compound", 0.18, []string{"机关大院", "行政办公区", "政务服务中心"}, [2]int{2, 8}, [2]int{3, 8}, 0.4},
}
