// edit-fixture.mjs: picks the grids edit.spec.mjs edits, from the plan's
// micro-grids as the API serves them: a vertex shared by exactly two
// sibling grids (A, B), a grid to split (C), two neighbouring siblings to
// merge (D, E) and a grid on its parent's border to give to the parent
// across (F → P). Each edit lies under a different parent, so none
// touches another's grids.

function key(p) { return `${p[0]},${p[1]}`; }

function rings(f) {
  const g = f.geometry;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.flat();
}

export function pointInRings(pt, rs) {
  let inside = false;
  for (const ring of rs) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

// chord is the widest horizontal stretch inside a grid, at a few heights.
export function chord(f) {
  const rs = rings(f);
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of rs[0]) { minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  let best = null;
  for (const share of [0.5, 0.4, 0.6, 0.3, 0.7]) {
    const y = minY + share * (maxY - minY);
    const xs = [];
    for (const ring of rs) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j];
        const [x2, y2] = ring[i];
        if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (!best || xs[i + 1] - xs[i] > best.w) best = { w: xs[i + 1] - xs[i], a: [xs[i], y], b: [xs[i + 1], y], crossings: xs.length };
    }
  }
  return best;
}

export function pick(level4, level3) {
  const grids = level4.features.filter((f) => f.properties.kind === 'base');
  const byCode = new Map(grids.map((f) => [f.properties.code, f]));
  const holders = new Map(); // vertex → codes holding it (every kind)
  for (const f of level4.features) {
    for (const ring of rings(f)) for (const p of ring) {
      const k = key(p);
      if (!holders.has(k)) holders.set(k, new Set());
      holders.get(k).add(f.properties.code);
    }
  }
  const used = new Set(); // parents already taken by an edit
  const parentOf = (code) => byCode.get(code).properties.parent;
  const neighbours = (f) => {
    const out = new Map();
    for (const ring of rings(f)) for (const p of ring) for (const c of holders.get(key(p))) {
      if (c !== f.properties.code && byCode.has(c)) out.set(c, (out.get(c) || 0) + 1);
    }
    return [...out].filter(([, n]) => n >= 2).map(([c]) => c);
  };
  const out = {};
  // A, B: a vertex held by A and B only, siblings, far from A's other vertices.
  for (const f of grids) {
    const code = f.properties.code;
    const ring = rings(f)[0];
    for (let i = 1; i < ring.length - 1 && !out.a; i++) {
      const hs = [...holders.get(key(ring[i]))];
      if (hs.length !== 2 || !hs.every((c) => byCode.has(c) && parentOf(c) === f.properties.parent)) continue;
      const far = (q) => Math.hypot((q[0] - ring[i][0]) * 0.82, q[1] - ring[i][1]) > 0.00025;
      if (!far(ring[i - 1]) || !far(ring[i + 1])) continue;
      out.a = code;
      out.b = hs.find((c) => c !== code);
      out.vertex = ring[i];
      out.prev = ring[i - 1];
      out.next = ring[i + 1];
    }
    if (out.a) break;
  }
  used.add(parentOf(out.a));
  // C: a grid whose widest chord crosses it once (two crossings).
  for (const f of grids) {
    if (used.has(f.properties.parent)) continue;
    const c = chord(f);
    if (c && c.crossings === 2) { out.c = f.properties.code; out.line = [c.a, c.b]; break; }
  }
  used.add(parentOf(out.c));
  // D, E: neighbouring siblings.
  for (const f of grids) {
    if (used.has(f.properties.parent)) continue;
    const e = neighbours(f).find((c) => parentOf(c) === f.properties.parent);
    if (e) { out.d = f.properties.code; out.e = e; break; }
  }
  used.add(parentOf(out.d));
  // F → P: a grid bordering a grid of another parent P.
  const parents = new Map(level3.features.map((f) => [f.properties.code, f.properties]));
  for (const f of grids) {
    if (used.has(f.properties.parent)) continue;
    const across = neighbours(f).map((c) => parentOf(c))
      .find((p) => p !== f.properties.parent && !used.has(p) && parents.get(p) && parents.get(p).kind === 'base' &&
        parents.get(p).parent === parents.get(f.properties.parent).parent);
    if (across) { out.f = f.properties.code; out.p = across; break; }
  }
  out.pointIn = (code) => chord(byCode.get(code));
  out.feature = (code) => byCode.get(code);
  return out;
}
