package tiles

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/ogcapi"
	"github.com/gridplan/gridplan/internal/store"
)

// reload reads the whole layer afresh, in one snapshot: its stamp, its
// features and (for grids) what each grid was read at. Every tile is then
// at the new base.
func (l *layer) reload(ctx context.Context, db *store.DB, planID int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return db.Snapshot(ctx, func(fs *store.Features) error {
		st, err := l.stampIn(ctx, fs)
		if err != nil {
			return err
		}
		l.feats, l.byID, l.grids, l.dirty = nil, map[int64]int{}, nil, nil
		l.zoomMu.Lock()
		l.zooms = map[int]*zoomGeoms{}
		l.zoomMu.Unlock()
		q := store.FeatureQuery{PlanID: planID, Workspace: st.Workspace, Layer: l.kind, Level: l.level}
		err = fs.Each(ctx, q, func(v any) error {
			if tf, ok := l.feature(v); ok {
				l.byID[tf.id] = len(l.feats)
				l.feats = append(l.feats, tf)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if l.kind == store.LayerGrids {
			stamps, err := fs.GridStamps(ctx, st.Workspace, l.level)
			if err != nil {
				return err
			}
			l.grids = make(map[int64]store.GridStamp, len(stamps))
			for _, g := range stamps {
				l.grids[g.ID] = g
			}
		}
		l.at = stampOf(st)
		l.base = l.at
		return nil
	})
}

// stampIn reads the layer's view's stamp in the snapshot fs.
func (l *layer) stampIn(ctx context.Context, fs *store.Features) (store.Stamp, error) {
	c, err := ogcapi.ParseCollectionID(l.name)
	if err != nil {
		return store.Stamp{}, err
	}
	return fs.StampOf(ctx, l.key.ws, c.Level)
}

// refresh brings the layer up to date. A grid layer reads only the grids
// whose row or figures changed since it was read (their stamps say which),
// simplifies again, per zoom already built, only them and their
// neighbours, and marks the ground whose tiles changed with the new stamp;
// tiles elsewhere keep theirs, so caches keyed by it stay good. Other
// layers (units, facilities and findings, which change by import or as a
// whole) are read afresh.
func (l *layer) refresh(ctx context.Context, db *store.DB, planID int64) error {
	if l.kind != store.LayerGrids {
		return l.reload(ctx, db, planID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return db.Snapshot(ctx, func(fs *store.Features) error {
		st, err := l.stampIn(ctx, fs)
		if err != nil {
			return err
		}
		if !stampOf(st).after(l.at) {
			return nil // another request brought it up to date meanwhile
		}
		stamps, err := fs.GridStamps(ctx, st.Workspace, l.level)
		if err != nil {
			return err
		}
		var changed []int64
		now := make(map[int64]store.GridStamp, len(stamps))
		for _, g := range stamps {
			now[g.ID] = g
			if old, ok := l.grids[g.ID]; !ok || !sameGridStamp(old, g) {
				changed = append(changed, g.ID)
			}
		}
		at := stampOf(st)
		var moved []int // features whose geometry changed: to simplify again
		for id := range l.grids {
			if _, ok := now[id]; !ok {
				if i, ok := l.byID[id]; ok {
					l.markDirty(l.feats[i].bound, at)
					l.feats[i].geom = nil
					delete(l.byID, id)
				}
			}
		}
		if len(changed) > 0 {
			q := store.FeatureQuery{PlanID: planID, Workspace: st.Workspace, Layer: l.kind, Level: l.level, IDs: changed}
			err := fs.Each(ctx, q, func(v any) error {
				tf, ok := l.feature(v)
				if !ok {
					return nil
				}
				i, had := l.byID[tf.id]
				switch {
				case !had:
					i = len(l.feats)
					l.byID[tf.id] = i
					l.feats = append(l.feats, tf)
					moved = append(moved, i)
				case !orb.Equal(l.feats[i].geom, tf.geom):
					l.markDirty(l.feats[i].bound, at)
					l.feats[i] = tf
					moved = append(moved, i)
				default: // figures only: the same shape, new properties
					l.feats[i] = tf
				}
				l.markDirty(tf.bound, at)
				return nil
			})
			if err != nil {
				return err
			}
		}
		l.grids = now
		l.resimplify(moved, at)
		l.at = at
		if len(l.dirty) > maxDirty {
			l.base, l.dirty = at, nil
		}
		return nil
	})
}

func sameGridStamp(a, b store.GridStamp) bool {
	eqI := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqF := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqS := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ChangedAt == b.ChangedAt && eqI(a.Persons, b.Persons) && eqI(a.Households, b.Households) &&
		eqF(a.DeviationPct, b.DeviationPct) && eqS(a.Band, b.Band)
}

func (l *layer) markDirty(b orb.Bound, at stamp) {
	l.dirty = append(l.dirty, dirtyRegion{bound: b, at: at})
}

// resimplify updates, for every zoom already built, the simplified shapes
// round the features at indexes moved: those and their neighbours are
// simplified again, among the neighbours' neighbours, so every junction
// on the neighbours' boundaries is known and they still share them with
// the grids beyond. A neighbour whose shape changed marks its ground.
func (l *layer) resimplify(moved []int, at stamp) {
	if len(moved) == 0 {
		return
	}
	ring1 := l.near(moved)
	ring2 := l.near(ring1)
	l.zoomMu.Lock()
	defer l.zoomMu.Unlock()
	for z, zg := range l.zooms {
		zg.once.Do(func() {}) // a zoom never built stays unbuilt
		if zg.geoms == nil {
			delete(l.zooms, z)
			continue
		}
		for len(zg.geoms) < len(l.feats) {
			zg.geoms = append(zg.geoms, nil)
		}
		before := make([]orb.Geometry, len(ring1))
		for k, i := range ring1 {
			before[k] = zg.geoms[i]
		}
		l.simplify(z, zg, ring2, ring1)
		for k, i := range ring1 {
			if before[k] == nil || !orb.Equal(before[k], zg.geoms[i]) {
				l.markDirty(l.feats[i].bound, at)
			}
		}
	}
}

// near lists the live features whose bounds meet those of the features at
// indexes from, from included, in index order.
func (l *layer) near(from []int) []int {
	var bounds []orb.Bound
	for _, i := range from {
		bounds = append(bounds, l.feats[i].bound)
	}
	var out []int
	for i, f := range l.feats {
		if f.geom == nil {
			continue
		}
		for _, b := range bounds {
			if f.bound.Intersects(b) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}
