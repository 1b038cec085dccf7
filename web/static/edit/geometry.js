// geometry.js: the plain geometry the editing tools need, on WGS84
// MultiPolygon coordinates as the API sends them. Neighbouring grids share
// their vertices bit for bit, so a vertex is known by its exact
// coordinates (key) and every grid holding it moves with it.

export function key(p) { return `${p[0]},${p[1]}`; }

export function clone(coords) { return JSON.parse(JSON.stringify(coords)); }

// eachVertex calls fn(point, polygon, ring, index) for every position of
// a MultiPolygon, closing positions included.
export function eachVertex(mp, fn) {
  mp.forEach((poly, pi) => poly.forEach((ring, ri) => ring.forEach((p, i) => fn(p, pi, ri, i))));
}

// bounds of MultiPolygon coordinates: [[w, s], [e, n]].
export function bounds(mp) {
  const b = [[Infinity, Infinity], [-Infinity, -Infinity]];
  eachVertex(mp, (p) => {
    b[0][0] = Math.min(b[0][0], p[0]); b[0][1] = Math.min(b[0][1], p[1]);
    b[1][0] = Math.max(b[1][0], p[0]); b[1][1] = Math.max(b[1][1], p[1]);
  });
  return b;
}

export function grow(b, share) {
  const dx = (b[1][0] - b[0][0]) * share;
  const dy = (b[1][1] - b[0][1]) * share;
  return [[b[0][0] - dx, b[0][1] - dy], [b[1][0] + dx, b[1][1] + dy]];
}

export function union(a, b) {
  if (!a) return b;
  return [[Math.min(a[0][0], b[0][0]), Math.min(a[0][1], b[0][1])], [Math.max(a[1][0], b[1][0]), Math.max(a[1][1], b[1][1])]];
}

// segments lists a MultiPolygon's edges as [a, b] position pairs.
export function segments(mp) {
  const out = [];
  for (const poly of mp) for (const ring of poly) for (let i = 1; i < ring.length; i++) out.push([ring[i - 1], ring[i]]);
  return out;
}

// nearestOnSegment is the point of segment ab nearest p and its distance
// (screen pixels: all three in one plane).
export function nearestOnSegment(p, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let s = len2 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  s = Math.max(0, Math.min(1, s));
  const q = { x: a.x + s * dx, y: a.y + s * dy };
  return { q, s, d: Math.hypot(p.x - q.x, p.y - q.y) };
}

// sharedVertexCount counts the distinct vertices two grids share: two or
// more means they share a stretch of boundary.
export function sharedVertexCount(a, b) {
  const ka = new Set();
  eachVertex(a, (p) => ka.add(key(p)));
  const seen = new Set();
  eachVertex(b, (p) => { const k = key(p); if (ka.has(k)) seen.add(k); });
  return seen.size;
}
