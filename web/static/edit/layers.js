// layers.js (edit): what the editor draws over the grids: the grids
// around the selection, the selected grids, the selected grid's vertices
// (drag handles), the snap target, the split line being drawn and the
// shapes pending edits give. Coordinates are WGS84 in the editor and
// converted here for drawing.

const EMPTY = { type: 'FeatureCollection', features: [] };
const SOURCES = ['edit-around', 'edit-selected', 'edit-vertices', 'edit-snap', 'edit-line', 'edit-pending'];

export function installEditLayers(map) {
  for (const s of SOURCES) map.addSource(s, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'edit-pending-fill', type: 'fill', source: 'edit-pending', paint: { 'fill-color': '#ff9800', 'fill-opacity': 0.25 } });
  map.addLayer({ id: 'edit-pending-line', type: 'line', source: 'edit-pending', paint: { 'line-color': '#ef6c00', 'line-width': 1.5, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'edit-around', type: 'line', source: 'edit-around', paint: { 'line-color': '#455a64', 'line-width': 1.2 } });
  map.addLayer({ id: 'edit-selected-fill', type: 'fill', source: 'edit-selected', paint: { 'fill-color': '#1565c0', 'fill-opacity': 0.18 } });
  map.addLayer({ id: 'edit-selected-line', type: 'line', source: 'edit-selected', paint: { 'line-color': '#0d47a1', 'line-width': 3 } });
  map.addLayer({ id: 'edit-line', type: 'line', source: 'edit-line', paint: { 'line-color': '#d50000', 'line-width': 2.5, 'line-dasharray': [3, 1.5] } });
  map.addLayer({ id: 'edit-vertices', type: 'circle', source: 'edit-vertices',
    paint: { 'circle-radius': 4.5, 'circle-color': '#ffffff', 'circle-stroke-color': '#0d47a1', 'circle-stroke-width': 2 } });
  map.addLayer({ id: 'edit-snap', type: 'circle', source: 'edit-snap',
    paint: { 'circle-radius': 7, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': ['match', ['get', 'kind'], 'vertex', '#d50000', '#ff6d00'], 'circle-stroke-width': 2.5 } });
}

function polygonFeature(datum, g) {
  return { type: 'Feature', properties: { code: g.code }, geometry: datum.geometry({ type: 'MultiPolygon', coordinates: g.coords }) };
}

export function drawEdit(map, datum, { around, selected, vertices, line, pending }) {
  const fc = (features) => ({ type: 'FeatureCollection', features });
  map.getSource('edit-around').setData(fc(around.map((g) => polygonFeature(datum, g))));
  map.getSource('edit-selected').setData(fc(selected.map((g) => polygonFeature(datum, g))));
  const pts = [];
  const seen = new Set();
  for (const p of vertices) {
    const k = `${p[0]},${p[1]}`;
    if (seen.has(k)) continue;
    seen.add(k);
    pts.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: datum.toMap(p) } });
  }
  map.getSource('edit-vertices').setData(fc(pts));
  map.getSource('edit-line').setData(fc(line ? [{ type: 'Feature', properties: {}, geometry: datum.geometry({ type: 'LineString', coordinates: line }) }] : []));
  map.getSource('edit-pending').setData(fc(pending.map((g) => polygonFeature(datum, g))));
}

export function drawSnap(map, datum, snap) {
  const features = snap ? [{ type: 'Feature', properties: { kind: snap.kind }, geometry: { type: 'Point', coordinates: datum.toMap(snap.point) } }] : [];
  map.getSource('edit-snap').setData({ type: 'FeatureCollection', features });
}
