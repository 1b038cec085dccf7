package balance

// A watch follows edits as they are applied: every grid whose counts they
// change, as it was when first touched, and every group of siblings whose
// mean they may change. The figures are then derived and read for those
// alone, so an edit costs what it touches, not what the plan holds.
type watch struct {
	before  map[string]figure // by code, the grid as it was
	created map[string]bool   // codes the edits brought in
	groups  []siblings        // few: the groups of the grids touched
}

func newWatch() *watch {
	return &watch{before: map[string]figure{}, created: map[string]bool{}}
}

// touch notes g before its counts change.
func (w *watch) touch(g *grid) {
	if _, ok := w.before[g.Code]; !ok {
		w.before[g.Code] = figure{g.Level, g.persons, g.households, g.band}
	}
	w.group(siblings{g.Level, g.Parent, g.Kind})
}

func (w *watch) group(k siblings) {
	for _, x := range w.groups {
		if x == k {
			return
		}
	}
	w.groups = append(w.groups, k)
}

// applyEdits applies edits in order and derives the figures of the groups
// they touched again; the watch says what they touched.
func (m *model) applyEdits(edits []gridEdit) *watch {
	w := newWatch()
	m.watch = w
	var buf []int
	for _, e := range edits {
		if idx, ok := m.byCode[e.code]; ok {
			w.touch(m.grids[idx]) // its level and parent as they were
		} else if _, seen := w.before[e.code]; !seen {
			w.created[e.code] = true
		}
		buf = m.setGrid(e, buf)
		if e.now != nil {
			w.group(siblings{e.now.Level, e.now.Parent, e.now.Kind})
		}
	}
	m.watch = nil
	m.deriveGroups(w.groups)
	return w
}

// after is grid code's figure now; ok is false when the model lacks it.
func (m *model) after(code string) (f figure, ok bool) {
	idx, ok := m.byCode[code]
	if !ok {
		return f, false
	}
	g := m.grids[idx]
	return figure{g.Level, g.persons, g.households, g.band}, true
}
