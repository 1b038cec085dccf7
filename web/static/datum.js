// datum.js: coordinates for GCJ-02 basemaps. Chinese web basemaps (AMap,
// Tencent) draw WGS84 coordinates 300-600 m away from where they are, in
// the GCJ-02 offset datum. With such a basemap the map asks the server for
// tiles in GCJ-02 (datum=gcj02, converted by geo.ToGCJ02) and converts the
// GeoJSON it draws here with the same formula; pointer positions go back
// to WGS84 by inverting it, and edits are always sent in WGS84.

const A = 6378245.0; // Krasovsky 1940 semi-major axis, as GCJ-02 uses it
const EE = 0.00669342162296594323;

function outsideChina(lon, lat) {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x, y) {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function shiftLon(x, y) {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

// toGCJ02 converts a WGS84 [lon, lat] to GCJ-02 (unchanged outside China).
export function toGCJ02([lon, lat]) {
  if (outsideChina(lon, lat)) return [lon, lat];
  let dLat = shiftLat(lon - 105, lat - 35);
  let dLon = shiftLon(lon - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

// fromGCJ02 inverts toGCJ02 by fixed-point iteration (to 1e-10°, well
// under a millimetre).
export function fromGCJ02([lon, lat]) {
  let w = [lon, lat];
  for (let i = 0; i < 30; i++) {
    const g = toGCJ02(w);
    const dx = g[0] - lon;
    const dy = g[1] - lat;
    w = [w[0] - dx, w[1] - dy];
    if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) break;
  }
  return w;
}

// Datum converts between stored (WGS84) and drawn coordinates.
export class Datum {
  constructor(name) {
    this.name = name === 'gcj02' ? 'gcj02' : 'wgs84';
    this.shifted = this.name === 'gcj02';
  }

  toMap(p) { return this.shifted ? toGCJ02(p) : p; }

  fromMap(p) { return this.shifted ? fromGCJ02(p) : p; }

  // geometry converts a GeoJSON geometry's coordinates for drawing.
  geometry(g) {
    if (!this.shifted || !g) return g;
    const walk = (c) => (typeof c[0] === 'number' ? toGCJ02(c) : c.map(walk));
    return { ...g, coordinates: walk(g.coordinates) };
  }

  // collection converts a FeatureCollection for drawing.
  collection(fc) {
    if (!this.shifted) return fc;
    return { ...fc, features: fc.features.map((f) => ({ ...f, geometry: this.geometry(f.geometry) })) };
  }

  // query is the parameter tile and OGC requests carry.
  query() { return this.shifted ? 'datum=gcj02' : ''; }
}
