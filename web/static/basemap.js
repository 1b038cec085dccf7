// basemap.js: the optional basemap under the grids (serve --basemap). A
// raster template draws as a raster layer; vector tiles (.pbf/.mvt) in the
// OpenMapTiles schema get a plain style of water, land use, roads and
// buildings (no basemap labels, which would need the basemap's own
// glyphs). Without a basemap the map has a plain background and needs no
// network at all.

export function addBasemap(map, basemap) {
  if (!basemap) return;
  const before = map.getStyle().layers.find((l) => l.id !== 'background');
  const at = before ? before.id : undefined;
  if (basemap.kind === 'vector') {
    map.addSource('basemap', { type: 'vector', tiles: [basemap.url], maxzoom: 14, attribution: basemap.attribution || '' });
    const layers = [
      { id: 'basemap-landuse', type: 'fill', 'source-layer': 'landuse', paint: { 'fill-color': '#e8e4d8' } },
      { id: 'basemap-park', type: 'fill', 'source-layer': 'park', paint: { 'fill-color': '#d8ead0' } },
      { id: 'basemap-water', type: 'fill', 'source-layer': 'water', paint: { 'fill-color': '#b9d3e6' } },
      { id: 'basemap-building', type: 'fill', 'source-layer': 'building', minzoom: 14, paint: { 'fill-color': '#dcd6cc' } },
      { id: 'basemap-roads', type: 'line', 'source-layer': 'transportation', paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 4] } },
    ];
    for (const l of layers) map.addLayer({ ...l, source: 'basemap' }, at);
  } else {
    map.addSource('basemap', { type: 'raster', tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution || '' });
    map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, at);
  }
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
  document.body.dataset.basemap = `${basemap.kind}:${basemap.datum}`;
}
