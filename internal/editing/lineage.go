package editing

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/store"
)

// opLineage gathers what one op did to codes: pairs of old and new codes
// with the shapes they had before and after, for the lineage rows.
type opLineage struct {
	pairs         [][2]string
	before, after map[string]orb.MultiPolygon
}

// link records that (some of) grid from went to grid to in this op; from
// is empty for a grid made from nothing but a gap.
func (w *work) link(from, to string, before, after orb.MultiPolygon) {
	l := &w.ops
	if l.before == nil {
		l.before, l.after = map[string]orb.MultiPolygon{}, map[string]orb.MultiPolygon{}
	}
	for _, p := range l.pairs {
		if p == [2]string{from, to} {
			return
		}
	}
	l.pairs = append(l.pairs, [2]string{from, to})
	if from != "" && before != nil {
		if _, ok := l.before[from]; !ok {
			l.before[from] = before
		}
	}
	if to != "" && after != nil {
		l.after[to] = after
	}
}

// closeOp turns the op's links into lineage rows, with the persons and
// households that went along each (counted from the units, as the
// balance audit places them) and their share of what the old grid held.
func (w *work) closeOp() error {
	l := w.ops
	w.ops = opLineage{}
	if len(l.pairs) == 0 {
		return nil
	}
	moved, err := w.e.Moved(w.ctx, l.before, l.after)
	if err != nil {
		return err
	}
	held := map[string][2]int64{}
	for k, v := range moved {
		h := held[k[0]]
		held[k[0]] = [2]int64{h[0] + v[0], h[1] + v[1]}
	}
	for _, p := range l.pairs {
		m, h := moved[p], held[p[0]]
		row := store.LineageRow{OpIndex: w.op, Op: w.kind, From: p[0], To: p[1], Persons: m[0], Households: m[1]}
		if h[0] > 0 {
			row.PersonsShare = float64(m[0]) / float64(h[0])
		}
		if h[1] > 0 {
			row.HouseholdsShare = float64(m[1]) / float64(h[1])
		}
		w.lineage = append(w.lineage, row)
	}
	return nil
}

// WriteLineageCSV writes lineage rows as a correspondence table.
func WriteLineageCSV(w io.Writer, rows []store.LineageRow) error {
	c := csv.NewWriter(w)
	c.Write([]string{"old_code", "new_code", "revision", "date", "op", "households", "households_share", "persons", "persons_share"})
	for _, l := range rows {
		c.Write([]string{l.From, l.To, strconv.Itoa(l.Revision), l.CreatedAt, l.Op, strconv.FormatInt(l.Households, 10),
			strconv.FormatFloat(l.HouseholdsShare, 'f', 4, 64), strconv.FormatInt(l.Persons, 10),
			strconv.FormatFloat(l.PersonsShare, 'f', 4, 64)})
	}
	c.Flush()
	return c.Error()
}
