// neighbourhood.js: the selected grid and the grids around it, with their
// full geometry in WGS84 (GET .../grids?level=&bbox=, the view's exact
// coordinates, never the tiles' simplified ones). Shapes changed by edits
// not yet committed override what the server sends, so the tools keep
// working on the state the pending change set will produce.

import { api } from '../api.js';
import { bounds, grow } from './geometry.js';

export class Neighbourhood {
  constructor(ctx) {
    this.ctx = ctx; // { plan(), viewQuery() }
    this.grids = new Map(); // code → { id, code, name, level, parent, kind, coords }
    this.overrides = new Map(); // code → coords after pending edits
  }

  async fetchBox(level, b) {
    const plan = encodeURIComponent(this.ctx.plan().name);
    const box = [b[0][0], b[0][1], b[1][0], b[1][1]].map((v) => v.toFixed(7)).join(',');
    const fc = await api(`/api/plans/${plan}/grids?level=${level}&bbox=${box}${this.ctx.viewQuery()}`);
    return fc.features.map((f) => ({
      id: f.id, code: f.properties.code, name: f.properties.name, level: f.properties.level,
      parent: f.properties.parent, kind: f.properties.kind,
      coords: this.overrides.get(f.properties.code) || (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates),
    }));
  }

  // locate finds the grid with feature id (or code) at a WGS84 point.
  async locate(level, point, match) {
    const e = 1e-6;
    const hits = await this.fetchBox(level, [[point[0] - e, point[1] - e], [point[0] + e, point[1] + e]]);
    return hits.find(match) || null;
  }

  // load reads the grids of level around grid (itself included).
  async load(grid) {
    const around = await this.fetchBox(grid.level, grow(bounds(grid.coords), 0.25));
    this.grids = new Map(around.map((g) => [g.code, g]));
    if (!this.grids.has(grid.code)) this.grids.set(grid.code, grid);
    return this.grids.get(grid.code);
  }

  get(code) { return this.grids.get(code); }

  all() { return [...this.grids.values()]; }

  // setShape records a shape a pending edit gives a grid (null: back to
  // the server's).
  setShape(code, coords, original) {
    const g = this.grids.get(code);
    if (coords === null) {
      this.overrides.delete(code);
      if (g && original) g.coords = original;
      return;
    }
    this.overrides.set(code, coords);
    if (g) g.coords = coords;
  }

  clearOverrides() { this.overrides.clear(); }
}
