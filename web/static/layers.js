// layers.js: the map's layer registry and the grid layers.
//
// A layer group owns its MapLibre sources and layers. It installs them on the
// map, says which of its layers answer hover and click, and contributes
// legend entries. The audit groups (coverage findings, balance choropleth,
// service circles) plug in the same way: registry.add(group).

import { has, t } from './i18n.js';

// categoryName is a special grid's category in the interface language.
export function categoryName(category) {
  if (!category) return t('category.special');
  return has(`category.${category}`) ? t(`category.${category}`) : category;
}

// Soft qualitative colours for ordinary grids, picked by feature id so that
// neighbours usually differ.
const BASE_PALETTE = ['#8dd3c7', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd'];

// Colours of special grids (专属网格) by category; unknown categories get OTHER.
const CATEGORY_COLOURS = {
  business_district: '#d1495b',
  school: '#e09f1f',
  hospital: '#00798c',
  market: '#8e5bbf',
  park: '#3c9d3c',
  industrial_park: '#6d597a',
  government: '#30638e',
};
const OTHER_CATEGORY = '#c2185b';

export function categoryColour(category) {
  return CATEGORY_COLOURS[category] || OTHER_CATEGORY;
}

const hovered = ['boolean', ['feature-state', 'hover'], false];
const isBase = ['!=', ['get', 'kind'], 'special'];
const isSpecial = ['==', ['get', 'kind'], 'special'];

function paletteByID(palette) {
  const cases = ['match', ['%', ['to-number', ['id'], 0], palette.length]];
  palette.forEach((colour, i) => cases.push(i, colour));
  cases.push(palette[0]);
  return cases;
}

function colourByCategory() {
  const cases = ['match', ['coalesce', ['get', 'category'], '']];
  for (const [category, colour] of Object.entries(CATEGORY_COLOURS)) cases.push(category, colour);
  cases.push(OTHER_CATEGORY);
  return cases;
}

// LayerRegistry keeps the installed groups in drawing order.
export class LayerRegistry {
  constructor(map) {
    this.map = map;
    this.groups = [];
    // One column for the groups' control panels, so they stack instead of
    // overlapping one another.
    this.panels = document.createElement('div');
    this.panels.className = 'map-panels';
    map.getContainer().append(this.panels);
  }

  add(group) {
    group.install(this.map, this);
    this.groups.push(group);
    return group;
  }

  // addPanel shows a group's controls in the panel column.
  addPanel(el) {
    this.panels.append(el);
  }

  get(id) {
    return this.groups.find((g) => g.id === id);
  }

  // interactiveLayers lists the layers that answer hover and click, topmost first.
  interactiveLayers() {
    return this.groups.slice().reverse().flatMap((g) => g.interactive || []);
  }

  legend() {
    return this.groups.flatMap((g) => (g.legend ? g.legend() : []));
  }
}

// GridLayers draws one level of a plan's grids: small levels from a GeoJSON
// source (the whole level in one response), levels of thousands of grids
// from vector tiles. Ordinary grids are filled by id, special grids by
// category with a dashed outline, overlay specials translucent over the grids
// they share ground with. Switching between the two rebuilds the four style
// layers on the new source, just below an anchor layer so that groups added
// later (audit layers) stay on top; onSourceChange lets groups that style the
// same features (the balance choropleth) follow.
const GRID_LAYERS = ['grids-base-fill', 'grids-base-line', 'grids-special-fill', 'grids-special-line'];
const EMPTY = { type: 'FeatureCollection', features: [] };

export class GridLayers {
  constructor() {
    this.id = 'grids';
    this.source = 'grids';
    this.sourceLayer = undefined; // the tile layer name when drawing from tiles
    this.interactive = ['grids-special-fill', 'grids-base-fill'];
    this.data = EMPTY;
    this.byID = new Map();
    this.tileCounts = null;
    this.onSourceChange = null;
    this.ogcBase = ''; // '' for the published plan, /plans/{plan}/drafts/{d} for a draft
    this.datumQuery = ''; // datum=gcj02 with a GCJ-02 basemap
  }

  install(map) {
    this.map = map;
    map.addSource('grids-anchor', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'grids-anchor', type: 'fill', source: 'grids-anchor' });
    this.rebuild('grids', { type: 'geojson', data: EMPTY }, undefined);
  }

  rebuild(source, spec, sourceLayer) {
    const map = this.map;
    for (const id of GRID_LAYERS) if (map.getLayer(id)) map.removeLayer(id);
    if (this.onSourceChange) this.onSourceChange(null); // dependants let go of the old source
    if (map.getSource(this.source)) map.removeSource(this.source);
    this.source = source;
    this.sourceLayer = sourceLayer;
    map.addSource(source, spec);
    const on = sourceLayer ? { source, 'source-layer': sourceLayer } : { source };
    map.addLayer({
      id: 'grids-base-fill', type: 'fill', ...on, filter: isBase,
      paint: { 'fill-color': paletteByID(BASE_PALETTE), 'fill-opacity': ['case', hovered, 0.75, 0.45] },
    }, 'grids-anchor');
    map.addLayer({
      id: 'grids-base-line', type: 'line', ...on, filter: isBase,
      paint: { 'line-color': '#37474f', 'line-width': ['case', hovered, 2.5, 0.8] },
    }, 'grids-anchor');
    map.addLayer({
      id: 'grids-special-fill', type: 'fill', ...on, filter: isSpecial,
      paint: {
        'fill-color': colourByCategory(),
        'fill-opacity': ['case', hovered, 0.7, ['==', ['get', 'mode'], 'overlay'], 0.2, 0.55],
      },
    }, 'grids-anchor');
    map.addLayer({
      id: 'grids-special-line', type: 'line', ...on, filter: isSpecial,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': colourByCategory(),
        'line-width': ['case', hovered, 3.5, 2],
        'line-dasharray': [2, 1.5],
      },
    }, 'grids-anchor');
    if (this.onSourceChange) this.onSourceChange(this);
  }

  // setData draws a FeatureCollection from the API through a GeoJSON source.
  setData(fc) {
    if (this.sourceLayer !== undefined) this.rebuild('grids', { type: 'geojson', data: EMPTY }, undefined);
    this.map.removeFeatureState({ source: this.source });
    this.data = fc;
    this.tileCounts = null;
    this.byID = new Map(fc.features.map((f) => [f.id, f]));
    this.map.getSource(this.source).setData(fc);
  }

  // setTiles draws a collection's vector tiles (TileJSON at url); counts are
  // the level's grids by kind from the plan summary, since tiles hold only
  // what is in view.
  setTiles(url, collection, counts) {
    this.rebuild('grids-tiles', { type: 'vector', url }, collection);
    this.data = EMPTY;
    this.byID = new Map();
    this.tileCounts = counts;
  }

  // features lists the grids drawn so far: the GeoJSON features, or for
  // tiles the loaded tiles' features, one per id.
  features() {
    if (this.sourceLayer === undefined) return this.data.features;
    const byID = new Map();
    for (const f of this.map.querySourceFeatures(this.source, { sourceLayer: this.sourceLayer })) {
      if (!byID.has(f.id)) byID.set(f.id, { id: f.id, properties: f.properties });
    }
    return [...byID.values()];
  }

  // drawnGeometries lists the drawn features with their geometry (for
  // tiles one per tile piece, in the drawn datum).
  drawnGeometries() {
    if (this.sourceLayer === undefined) return this.data.features;
    return this.map.querySourceFeatures(this.source, { sourceLayer: this.sourceLayer })
      .map((f) => ({ id: f.id, properties: f.properties, geometry: f.geometry }));
  }

  // details returns a drawn grid with every property: the API's feature for
  // GeoJSON (MapLibre flattens nested values and drops nulls), the OGC API's
  // for tiles (overview tiles carry only styling properties).
  async details(rendered, api) {
    if (this.sourceLayer === undefined) return this.byID.get(rendered.id) || rendered;
    const q = this.datumQuery ? `?${this.datumQuery}` : '';
    return api(`${this.ogcBase}/collections/${encodeURIComponent(this.sourceLayer)}/items/${rendered.id}${q}`);
  }

  counts() {
    if (this.tileCounts) return this.tileCounts;
    let special = 0;
    for (const f of this.data.features) if (f.properties.kind === 'special') special++;
    return { total: this.data.features.length, base: this.data.features.length - special, special };
  }

  legend() {
    const entries = [{ label: t('legend.base'), fill: BASE_PALETTE[3], line: '#37474f' }];
    const seen = new Map();
    for (const f of this.features()) {
      const p = f.properties;
      if (p.kind !== 'special') continue;
      const key = `${categoryName(p.category)} (${t(`mode.${p.mode || 'special'}`)})`;
      if (!seen.has(key)) seen.set(key, { label: key, fill: categoryColour(p.category), dashed: true, translucent: p.mode === 'overlay' });
    }
    return entries.concat([...seen.values()].sort((a, b) => a.label.localeCompare(b.label)));
  }
}
