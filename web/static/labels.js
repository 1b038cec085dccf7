// labels.js: the grids' labels. One label per grid, at a point well
// inside it: the name when zoomed out, name and code when zoomed in.
// MapLibre places them without collisions (a label that would overlap
// another is left out until there is room). Latin letters and digits come
// from the bundled glyphs (glyphs/), Chinese from the browser's fonts
// (localIdeographFontFamily), so nothing is fetched from outside.
//
// Tiles cut a grid into pieces, one per tile, and a label per piece would
// repeat the name; so labels are a GeoJSON source of points, rebuilt from
// the drawn features when the map comes to rest: the largest piece of each
// grid, its widest horizontal chord's midpoint.
//
// For tests: <body data-labels> is the number of grids labelled.

const EMPTY = { type: 'FeatureCollection', features: [] };

// From this zoom the code joins the name (micro-grids are a few hundred
// metres across: at z16 a two-line label fits inside one).
const CODE_FROM_ZOOM = 16;

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2);
}

// polygons lists a Polygon's or MultiPolygon's polygons.
function polygons(g) {
  if (!g) return [];
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

// chordMidpoint is the midpoint of the widest stretch of a horizontal line
// at y that lies inside polygon (rings: outer then holes), or null.
function chordMidpoint(polygon, y) {
  const xs = [];
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j];
      const [x2, y2] = ring[i];
      if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
  }
  xs.sort((a, b) => a - b);
  let best = null;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const w = xs[i + 1] - xs[i];
    if (!best || w > best.w) best = { w, x: (xs[i] + xs[i + 1]) / 2 };
  }
  return best && [best.x, y, best.w];
}

// labelPoint is a point inside polygon: of chords at a few heights, the
// midpoint of the widest.
export function labelPoint(polygon) {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of polygon[0]) { minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  let best = null;
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const c = chordMidpoint(polygon, minY + f * (maxY - minY));
    if (c && (!best || c[2] > best[2] * 1.3)) best = c;
  }
  return best ? [best[0], best[1]] : polygon[0][0];
}

export class GridLabels {
  constructor(grids) {
    this.id = 'labels';
    this.grids = grids; // GridLayers
    this.pending = false;
  }

  install(map) {
    this.map = map;
    map.addSource('grid-labels', { type: 'geojson', data: EMPTY });
    // No text-font: the style's default stack is the one whose Latin
    // glyphs are bundled, and only with it MapLibre draws CJK from
    // localIdeographFontFamily.
    map.addLayer({
      id: 'grid-labels', type: 'symbol', source: 'grid-labels',
      layout: {
        'text-field': ['step', ['zoom'], ['get', 'name'], CODE_FROM_ZOOM, ['concat', ['get', 'name'], '\n', ['get', 'code']]],
        'text-size': ['interpolate', ['linear'], ['zoom'], 10, 11, 16, 13],
        'text-max-width': 8,
        'text-padding': 4,
        'symbol-sort-key': ['get', 'rank'], // larger grids win a contested place
      },
      paint: { 'text-color': '#1b2a33', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 },
    });
    map.on('idle', () => this.refresh());
  }

  // refresh rebuilds the label points from what is drawn, once per rest.
  refresh() {
    const points = new Map();
    for (const f of this.grids.drawnGeometries()) {
      const p = f.properties;
      if (!p || (!p.name && !p.code)) continue; // overview tiles carry no names
      let best = null;
      for (const poly of polygons(f.geometry)) {
        const a = ringArea(poly[0]);
        if (!best || a > best.a) best = { a, poly };
      }
      if (!best) continue;
      const prev = points.get(f.id);
      if (prev && prev.a >= best.a) continue;
      points.set(f.id, { a: best.a, feature: { type: 'Feature', id: f.id,
        properties: { name: p.name || p.code, code: p.code || '', rank: -best.a },
        geometry: { type: 'Point', coordinates: labelPoint(best.poly) } } });
    }
    const key = [...points.keys()].sort().join(',') + this.map.getZoom().toFixed(1);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.map.getSource('grid-labels').setData({ type: 'FeatureCollection', features: [...points.values()].map((v) => v.feature) });
    document.body.dataset.labels = String(points.size);
  }
}
