// layers.js: the map's layer registry and the grid layers.
//
// A layer group owns its MapLibre sources and layers. It installs them on the
// map, says which of its layers answer hover and click, and contributes
// legend entries. Later groups (vector tiles, audit findings, balance
// choropleth, service circles) plug in the same way: registry.add(group).

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
  }

  add(group) {
    group.install(this.map);
    this.groups.push(group);
    return group;
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

// GridLayers draws one level of a plan's grids from a GeoJSON source:
// ordinary grids filled by id, special grids by category with a dashed
// outline, overlay specials translucent over the grids they share ground with.
export class GridLayers {
  constructor() {
    this.id = 'grids';
    this.source = 'grids';
    this.interactive = ['grids-special-fill', 'grids-base-fill'];
    this.data = { type: 'FeatureCollection', features: [] };
    this.byID = new Map();
  }

  install(map) {
    this.map = map;
    map.addSource(this.source, { type: 'geojson', data: this.data });
    const source = this.source;
    map.addLayer({
      id: 'grids-base-fill', type: 'fill', source, filter: isBase,
      paint: { 'fill-color': paletteByID(BASE_PALETTE), 'fill-opacity': ['case', hovered, 0.75, 0.45] },
    });
    map.addLayer({
      id: 'grids-base-line', type: 'line', source, filter: isBase,
      paint: { 'line-color': '#37474f', 'line-width': ['case', hovered, 2.5, 0.8] },
    });
    map.addLayer({
      id: 'grids-special-fill', type: 'fill', source, filter: isSpecial,
      paint: {
        'fill-color': colourByCategory(),
        'fill-opacity': ['case', hovered, 0.7, ['==', ['get', 'mode'], 'overlay'], 0.2, 0.55],
      },
    });
    map.addLayer({
      id: 'grids-special-line', type: 'line', source, filter: isSpecial,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': colourByCategory(),
        'line-width': ['case', hovered, 3.5, 2],
        'line-dasharray': [2, 1.5],
      },
    });
  }

  // setData replaces the drawn grids with a FeatureCollection from the API.
  setData(fc) {
    this.map.removeFeatureState({ source: this.source });
    this.data = fc;
    this.byID = new Map(fc.features.map((f) => [f.id, f]));
    this.map.getSource(this.source).setData(fc);
  }

  // feature returns the API's feature for a rendered one, with every
  // property as sent (MapLibre flattens nested values and drops nulls).
  feature(rendered) {
    return this.byID.get(rendered.id) || rendered;
  }

  counts() {
    let special = 0;
    for (const f of this.data.features) if (f.properties.kind === 'special') special++;
    return { total: this.data.features.length, base: this.data.features.length - special, special };
  }

  legend() {
    const entries = [{ label: 'base grid', fill: BASE_PALETTE[3], line: '#37474f' }];
    const seen = new Map();
    for (const f of this.data.features) {
      const p = f.properties;
      if (p.kind !== 'special') continue;
      const key = `${p.category || 'special'} (${p.mode || 'special'})`;
      if (!seen.has(key)) seen.set(key, { label: key, fill: categoryColour(p.category), dashed: true, translucent: p.mode === 'overlay' });
    }
    return entries.concat([...seen.values()].sort((a, b) => a.label.localeCompare(b.label)));
  }
}
