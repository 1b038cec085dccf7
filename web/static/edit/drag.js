// drag.js: dragging a vertex, or a stretch of boundary (one edge, both
// its ends), of the selected grid. Every grid holding the dragged vertex
// (the neighbours across the shared boundary) moves with it, so the drawn
// outlines stay shared; on release the editor sends the grid's new shape
// as a reshape, and the server moves the neighbours' ground the same way.
//
// While dragging, the pointer snaps to the neighbours' vertices (taking
// their exact coordinates) and to their edges (the nearest point on one).

import { clone, key, nearestOnSegment, segments } from './geometry.js';

const GRAB_VERTEX_PX = 9;
const GRAB_EDGE_PX = 6;
const SNAP_VERTEX_PX = 10;
const SNAP_EDGE_PX = 7;

export class Drag {
  // ctx: { map, datum, hood (Neighbourhood), selected() → grid, redraw(), snapMark(point|null) }
  constructor(ctx) {
    this.ctx = ctx;
    this.active = null;
  }

  screen(p) { return this.ctx.map.project(this.ctx.datum.toMap(p)); }

  // grab starts a drag at a screen point, or answers false when nothing
  // of the selected grid is under it.
  grab(point) {
    const grid = this.ctx.selected();
    if (!grid) return false;
    let best = null;
    for (const poly of grid.coords) {
      for (const ring of poly) {
        for (const p of ring) {
          const s = this.screen(p);
          const d = Math.hypot(s.x - point.x, s.y - point.y);
          if (d <= GRAB_VERTEX_PX && (!best || d < best.d)) best = { d, keys: [key(p)], origins: [p] };
        }
      }
    }
    if (!best) {
      for (const [a, b] of segments(grid.coords)) {
        const n = nearestOnSegment(point, this.screen(a), this.screen(b));
        if (n.d <= GRAB_EDGE_PX && (!best || n.d < best.d)) best = { d: n.d, keys: [key(a), key(b)], origins: [a, b], stretch: true };
      }
    }
    if (!best) return false;
    // Every position of every grid around holding a dragged vertex.
    const holders = [];
    const before = new Map();
    for (const g of this.ctx.hood.all()) {
      g.coords.forEach((poly) => poly.forEach((ring) => ring.forEach((p, i) => {
        const k = best.keys.indexOf(key(p));
        if (k < 0) return;
        if (!before.has(g.code)) before.set(g.code, clone(g.coords));
        holders.push({ ring, i, which: k });
      })));
    }
    this.active = { ...best, holders, before, start: point, startLngLat: this.ctx.map.unproject(point).toArray(), moved: false };
    return true;
  }

  // snap finds a neighbour's vertex or edge near a screen point: the
  // WGS84 position to take, and where to mark it.
  snap(point) {
    const a = this.active;
    const selected = this.ctx.selected();
    let vertex = null;
    let edge = null;
    for (const g of this.ctx.hood.all()) {
      if (g.code === selected.code) continue;
      for (const poly of g.coords) {
        for (const ring of poly) {
          for (let i = 0; i < ring.length; i++) {
            const p = ring[i];
            if (a.keys.includes(key(p))) continue;
            const s = this.screen(p);
            const d = Math.hypot(s.x - point.x, s.y - point.y);
            if (d <= SNAP_VERTEX_PX && (!vertex || d < vertex.d)) vertex = { d, p };
            if (i === 0) continue;
            const q = ring[i - 1];
            if (a.keys.includes(key(q))) continue;
            const n = nearestOnSegment(point, this.screen(q), s);
            if (n.d <= SNAP_EDGE_PX && (!edge || n.d < edge.d)) edge = { d: n.d, q: n.q };
          }
        }
      }
    }
    if (vertex) return { p: vertex.p, kind: 'vertex' };
    if (edge) return { p: this.ctx.datum.fromMap(this.ctx.map.unproject([edge.q.x, edge.q.y]).toArray()), kind: 'edge' };
    return null;
  }

  move(point, lngLat) {
    const a = this.active;
    if (!a) return;
    if (Math.hypot(point.x - a.start.x, point.y - a.start.y) >= 2) a.moved = true;
    let targets;
    if (a.stretch) {
      // The grabbed edge moves by the pointer's offset, both ends alike.
      const dx = lngLat.lng - a.startLngLat[0];
      const dy = lngLat.lat - a.startLngLat[1];
      targets = a.origins.map((p) => {
        const m = this.ctx.datum.toMap(p);
        return this.ctx.datum.fromMap([m[0] + dx, m[1] + dy]);
      });
      this.ctx.snapMark(null);
    } else {
      const s = this.snap(point);
      targets = [s ? s.p : this.ctx.datum.fromMap([lngLat.lng, lngLat.lat])];
      this.ctx.snapMark(s ? { point: s.p, kind: s.kind } : null);
    }
    for (const h of a.holders) h.ring[h.i] = targets[h.which];
    a.targets = targets;
    this.ctx.redraw();
  }

  // release ends the drag: the shapes before and after of every grid that
  // moved, or null when the pointer hardly moved (then nothing changed).
  release() {
    const a = this.active;
    this.active = null;
    this.ctx.snapMark(null);
    if (!a) return null;
    if (!a.moved) {
      for (const [code, coords] of a.before) this.ctx.hood.get(code).coords = coords;
      this.ctx.redraw();
      return null;
    }
    const after = new Map();
    for (const code of a.before.keys()) after.set(code, clone(this.ctx.hood.get(code).coords));
    return { before: a.before, after, stretch: !!a.stretch };
  }
}
