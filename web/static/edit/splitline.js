// splitline.js: drawing a split line. Each click adds a point (snapped to
// a vertex of the grids around, so a line can start on a corner); a
// double click, or Enter, ends the line; Escape drops it. The line should
// cross the selected grid from one side to the other.

import { key } from './geometry.js';

const SNAP_PX = 10;

export class SplitLine {
  // ctx: { map, datum, hood, redraw() }
  constructor(ctx) {
    this.ctx = ctx;
    this.points = [];
    this.hover = null;
  }

  snapped(point, lngLat) {
    let best = null;
    for (const g of this.ctx.hood.all()) {
      for (const poly of g.coords) {
        for (const ring of poly) {
          for (const p of ring) {
            const s = this.ctx.map.project(this.ctx.datum.toMap(p));
            const d = Math.hypot(s.x - point.x, s.y - point.y);
            if (d <= SNAP_PX && (!best || d < best.d)) best = { d, p };
          }
        }
      }
    }
    return best ? best.p : this.ctx.datum.fromMap([lngLat.lng, lngLat.lat]);
  }

  add(point, lngLat) {
    const p = this.snapped(point, lngLat);
    const last = this.points[this.points.length - 1];
    if (last) {
      const s = this.ctx.map.project(this.ctx.datum.toMap(last));
      if (Math.hypot(s.x - point.x, s.y - point.y) < 4) return; // the second click of a double click
    }
    this.points.push(p);
    this.ctx.redraw();
  }

  moveTo(point, lngLat) {
    if (this.points.length === 0) return;
    this.hover = this.snapped(point, lngLat);
    this.ctx.redraw();
  }

  // line is what is drawn so far, with the pointer's position at the end.
  line() {
    const pts = this.hover ? [...this.points, this.hover] : this.points;
    return pts.length >= 2 ? pts : null;
  }

  // finish answers the drawn line (WGS84 positions) or null when it has
  // fewer than two points, and starts afresh.
  finish() {
    const pts = this.points.filter((p, i, all) => i === 0 || key(p) !== key(all[i - 1]));
    this.points = [];
    this.hover = null;
    this.ctx.redraw();
    return pts.length >= 2 ? pts : null;
  }

  cancel() {
    this.points = [];
    this.hover = null;
    this.ctx.redraw();
  }
}
