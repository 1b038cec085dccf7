// coverage.js: the coverage audit's findings on the map (无缝覆盖). A small
// panel runs the audit for the plan on show (GET /api/plans/{plan}/audit?
// checks=coverage) and draws its findings (GET .../findings?check=coverage,
// GeoJSON) coloured by kind: gaps, overlaps, spill over the parent, their
// sliver warnings, invalid geometry and the rest. Each finding also gets a
// marker, so a sliver a few centimetres wide can still be found at district
// scale. Clicking a finding lists the grids involved, outlines them and
// zooms to the place.
//
// For tests: <body data-coverage="off|loading|ready|error"> and, when ready,
// data-coverage-findings (features drawn) and data-coverage-errors.

import { t } from './i18n.js';
import { el } from './ui.js';

const EMPTY = { type: 'FeatureCollection', features: [] };

// Colours by kind; a sliver shares its defect's hue, paler.
export const KIND_COLOURS = {
  gap: '#e53935',
  sliver_gap: '#ef9a9a',
  overlap: '#8e24aa',
  sliver_overlap: '#ce93d8',
  outside_parent: '#fb8c00',
  sliver_outside_parent: '#ffcc80',
  invalid_geometry: '#212121',
  multipart: '#1e88e5',
  unknown_parent: '#6d4c41',
  missing_parent: '#6d4c41',
  level_mismatch: '#6d4c41',
  unresolved: '#546e7a',
};
const OTHER = '#546e7a';

function colourByKind() {
  const cases = ['match', ['get', 'kind']];
  for (const [kind, colour] of Object.entries(KIND_COLOURS)) cases.push(kind, colour);
  cases.push(OTHER);
  return cases;
}

// bounds returns [[minLon, minLat], [maxLon, maxLat]] of a GeoJSON geometry.
function bounds(geometry) {
  const b = [[Infinity, Infinity], [-Infinity, -Infinity]];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0][0] = Math.min(b[0][0], c[0]); b[0][1] = Math.min(b[0][1], c[1]);
      b[1][0] = Math.max(b[1][0], c[0]); b[1][1] = Math.max(b[1][1], c[1]);
    } else c.forEach(walk);
  };
  if (geometry) walk(geometry.coordinates);
  return b;
}

export class CoverageLayers {
  // api fetches JSON (app.js's helper); plan() is the plan on show.
  constructor(api, plan) {
    this.id = 'coverage';
    this.api = api;
    this.plan = plan;
    this.features = [];
    this.visible = true;
    this.popup = new maplibregl.Popup({ closeButton: true, maxWidth: '380px' });
  }

  install(map, registry) {
    this.map = map;
    map.addSource('coverage-findings', { type: 'geojson', data: EMPTY });
    map.addSource('coverage-markers', { type: 'geojson', data: EMPTY });
    map.addSource('coverage-grids', { type: 'geojson', data: EMPTY });
    const colour = colourByKind();
    const warning = ['==', ['get', 'severity'], 'warning'];
    map.addLayer({ id: 'coverage-fill', type: 'fill', source: 'coverage-findings', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': colour, 'fill-opacity': ['case', warning, 0.35, 0.6] } });
    map.addLayer({ id: 'coverage-line', type: 'line', source: 'coverage-findings', filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': colour, 'line-width': 2 } });
    map.addLayer({ id: 'coverage-grids-line', type: 'line', source: 'coverage-grids',
      paint: { 'line-color': '#000000', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'coverage-markers', type: 'circle', source: 'coverage-markers',
      paint: { 'circle-radius': ['case', warning, 4, 6], 'circle-color': colour,
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } });
    this.layers = ['coverage-fill', 'coverage-line', 'coverage-grids-line', 'coverage-markers'];
    this.panel = this.buildPanel();
    registry.addPanel(this.panel);
    document.body.dataset.coverage = 'off';
  }

  buildPanel() {
    this.button = el('button', { type: 'button', textContent: t('coverage.check'), onclick: () => this.run().catch((e) => this.fail(e)) });
    this.toggle = el('input', { type: 'checkbox', checked: true, onchange: () => this.show(this.toggle.checked) });
    this.summary = el('output', { textContent: t('coverage.unchecked') });
    const panel = el('section', { className: 'coverage-panel map-panel', ariaLabel: t('coverage.title') },
      el('strong', { textContent: `${t('coverage.title')} ` }), this.button,
      el('label', {}, this.toggle, ` ${t('coverage.show')}`), el('div', {}, this.summary));
    return panel;
  }

  // run audits the plan on show and draws its coverage findings.
  async run() {
    const plan = this.plan();
    if (!plan) return;
    document.body.dataset.coverage = 'loading';
    this.summary.textContent = t('coverage.checking');
    const name = encodeURIComponent(plan.name);
    const view = this.view ? this.view() : ''; // &draft=D while a draft is shown
    const report = await this.api(`/api/plans/${name}/audit?checks=coverage${view}`);
    const fc = await this.api(`/api/plans/${name}/findings?check=coverage${view}`);
    this.features = fc.features.map((f, i) => ({ ...f, id: i, geometry: this.datum ? this.datum.geometry(f.geometry) : f.geometry }));
    const markers = this.features.filter((f) => f.geometry).map((f) => {
      const b = bounds(f.geometry);
      return { type: 'Feature', id: f.id, properties: f.properties,
        geometry: { type: 'Point', coordinates: [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] } };
    });
    this.map.getSource('coverage-findings').setData({ type: 'FeatureCollection', features: this.features });
    this.map.getSource('coverage-markers').setData({ type: 'FeatureCollection', features: markers });
    this.map.getSource('coverage-grids').setData(EMPTY);
    const errors = this.features.filter((f) => f.properties.severity === 'error').length;
    this.summary.textContent = this.features.length === 0
      ? t('coverage.clean')
      : t('coverage.summary', { errors, warnings: this.features.length - errors });
    this.show(this.toggle.checked);
    this.report = report;
    Object.assign(document.body.dataset, { coverage: 'ready', coverageFindings: String(this.features.length),
      coverageErrors: String(errors) });
  }

  fail(err) {
    console.error(err);
    this.summary.textContent = (err && err.message) || String(err);
    document.body.dataset.coverage = 'error';
  }

  show(on) {
    this.visible = on;
    for (const id of this.layers) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  // click answers a click on a finding: the popup lists the grids involved,
  // which are outlined, and the map zooms to the finding. It returns false
  // when no finding is under the pointer, leaving the click to the grids.
  click(e) {
    if (!this.visible || this.features.length === 0) return false;
    const hits = this.map.queryRenderedFeatures(e.point, { layers: ['coverage-markers', 'coverage-fill', 'coverage-line'] });
    if (hits.length === 0) return false;
    const f = this.features[hits[0].id];
    if (!f) return false;
    this.select(f, e.lngLat);
    return true;
  }

  select(f, at) {
    const p = f.properties;
    const rows = [[t('finding.severity'), t(`severity.${p.severity}`)], [t('field.level'), p.level], [t('field.parent'), p.parent], [t('finding.area'), `${Number(p.area_m2).toFixed(1)} m²`]];
    if (p.width_m !== null && p.width_m !== undefined) rows.push([t('finding.width'), `${Number(p.width_m).toFixed(2)} m`]);
    const table = el('table', {}, el('tbody', {}, ...rows.map(([k, v]) => el('tr', {},
      el('th', { scope: 'row', textContent: k }), el('td', { textContent: v === null || v === undefined ? '—' : String(v) })))));
    const grids = el('ul', { className: 'coverage-grids' }, ...(p.grids || []).map((code) => el('li', { textContent: code })));
    const content = el('div', { className: 'coverage-popup', dataset: { kind: p.kind } },
      el('h3', { textContent: t(`kind.${p.kind}`) }), table,
      el('p', { textContent: p.reason }), el('strong', { textContent: t('finding.grids', { n: (p.grids || []).length }) }), grids);
    const b = bounds(f.geometry);
    this.popup.setLngLat(at || [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2]).setDOMContent(content).addTo(this.map);
    this.map.fitBounds(b, { padding: 80, maxZoom: 18, duration: 0 });
    this.outline(p.grids || []).catch((err) => console.error(err));
  }

  // outline draws the grids a finding involves, fetched one by one.
  async outline(codes) {
    const plan = encodeURIComponent(this.plan().name);
    const features = await Promise.all(codes.slice(0, 20).map((c) =>
      this.api(`/api/plans/${plan}/grids/${encodeURIComponent(c)}${this.view ? this.view().replace('&', '?') : ''}`).catch(() => null)));
    const found = { type: 'FeatureCollection', features: features.filter(Boolean) };
    this.map.getSource('coverage-grids').setData(this.datum ? this.datum.collection(found) : found);
    document.body.dataset.coverageOutlined = String(features.filter(Boolean).length);
  }

  legend() {
    const kinds = new Set(this.features.map((f) => f.properties.kind));
    return [...kinds].sort().map((k) => ({ label: t('coverage.legend', { kind: t(`kind.${k}`) }), fill: KIND_COLOURS[k] || OTHER }));
  }
}
