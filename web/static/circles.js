// circles.js: the service-circle layers of the map (服务圈). A small panel
// picks one of the plan's rules ("clinic · 5 min"); the map then shows the
// grids coloured by the share of residents within the walk, the blind
// spots (uncovered units, sized by persons), each facility's isochrone and
// the suggested sites, each layer switchable. Data comes from
// /api/plans/{plan}/circles/...; nothing loads until a rule is picked.
//
// For tests: <body data-circles="off|loading|ready|error"> and, when ready,
// data-circles-grids / -blindspots / -isochrones / -sites counts.

import { has, t } from './i18n.js';

// facilityName is a facility type in the interface language.
export function facilityName(type) {
  return has(`facility.${type}`) ? t(`facility.${type}`) : type;
}

const SOURCES = ['circles-grids', 'circles-isochrones', 'circles-blindspots', 'circles-sites'];
const EMPTY = { type: 'FeatureCollection', features: [] };

// Coverage ramp: red (nobody within the walk) to green (everybody).
const RAMP = [0, '#d73027', 50, '#fc8d59', 70, '#fee08b', 85, '#91cf60', 100, '#1a9850'];

const LAYERS = [
  { key: 'grids', label: 'circles.layer.grids', layers: ['circles-grids-fill', 'circles-grids-line'] },
  { key: 'isochrones', label: 'circles.layer.isochrones', layers: ['circles-iso-fill', 'circles-iso-line'] },
  { key: 'blindspots', label: 'circles.layer.blindspots', layers: ['circles-blind'] },
  { key: 'sites', label: 'circles.layer.sites', layers: ['circles-sites'] },
];

function el(tag, props = {}, style = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  Object.assign(node.style, style);
  node.append(...children);
  return node;
}

export class CircleLayers {
  // api fetches JSON (app.js's helper, which turns problems into errors);
  // level() tells the level the map shows, for the coverage-by-grid layer.
  constructor(api, level) {
    this.id = 'circles';
    this.api = api;
    this.level = level;
    this.plan = null;
    this.rule = null;
    this.generation = 0;
    this.summary = null;
  }

  install(map, registry) {
    this.map = map;
    for (const s of SOURCES) map.addSource(s, { type: 'geojson', data: EMPTY });
    map.addLayer({
      id: 'circles-grids-fill', type: 'fill', source: 'circles-grids',
      paint: {
        'fill-color': ['case', ['==', ['get', 'coverage_pct'], null], '#b0bec5',
          ['interpolate', ['linear'], ['to-number', ['get', 'coverage_pct'], 0], ...RAMP]],
        'fill-opacity': 0.6,
      },
    });
    map.addLayer({ id: 'circles-grids-line', type: 'line', source: 'circles-grids', paint: { 'line-color': '#455a64', 'line-width': 0.6 } });
    map.addLayer({ id: 'circles-iso-fill', type: 'fill', source: 'circles-isochrones', paint: { 'fill-color': '#1e88e5', 'fill-opacity': 0.12 } });
    map.addLayer({ id: 'circles-iso-line', type: 'line', source: 'circles-isochrones', paint: { 'line-color': '#1565c0', 'line-width': 1 } });
    map.addLayer({
      id: 'circles-blind', type: 'circle', source: 'circles-blindspots',
      paint: {
        'circle-color': '#b71c1c',
        'circle-opacity': 0.7,
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['to-number', ['get', 'persons'], 0]], 0, 1.5, 30, 7],
      },
    });
    map.addLayer({
      id: 'circles-sites', type: 'circle', source: 'circles-sites',
      paint: { 'circle-color': '#6a1b9a', 'circle-radius': 8, 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 },
    });
    this.visible = Object.fromEntries(LAYERS.map((l) => [l.key, true]));
    this.panel = this.buildPanel();
    registry.addPanel(this.panel);
    document.body.dataset.circles = 'off';
  }

  buildPanel() {
    this.select = el('select', { ariaLabel: t('circles.rule'), onchange: () => this.pick(this.select.value) },
      { font: 'inherit', maxWidth: '220px' });
    this.info = el('div', {}, { color: '#607d8b', marginTop: '4px', maxWidth: '240px' });
    const toggles = LAYERS.map((l) => {
      const box = el('input', { type: 'checkbox', checked: true, onchange: () => this.toggle(l.key, box.checked) });
      return el('label', {}, { display: 'block' }, box, ` ${t(l.label)}`);
    });
    return el('section', { className: 'circles-panel map-panel', ariaLabel: t('circles.title') }, {}, el('strong', { textContent: t('circles.title') }, { display: 'block', marginBottom: '4px' }), this.select, ...toggles, this.info);
  }

  toggle(key, on) {
    this.visible[key] = on;
    for (const id of LAYERS.find((l) => l.key === key).layers) {
      this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    }
  }

  // setPlan lists the plan's rules and clears the layers.
  async setPlan(plan) {
    this.plan = plan;
    this.clear();
    const { rules } = await this.api(`/api/plans/${encodeURIComponent(plan.name)}/circles/rules`);
    if (this.plan !== plan) return;
    this.select.replaceChildren(el('option', { value: '', textContent: t('circles.pick') }),
      ...rules.map((r) => el('option', { value: `${r.facility_type}|${r.minutes}`, textContent: t('circles.rule_label', { type: facilityName(r.facility_type), minutes: r.minutes }) })));
  }

  // setLevel redraws the coverage-by-grid layer for another level.
  async setLevel() {
    if (this.rule) await this.pick(`${this.rule.type}|${this.rule.minutes}`);
  }

  clear() {
    this.generation++;
    this.rule = null;
    this.summary = null;
    for (const s of SOURCES) this.map.getSource(s).setData(EMPTY);
    this.info.textContent = '';
    document.body.dataset.circles = 'off';
  }

  async pick(value) {
    if (!value) {
      this.clear();
      return;
    }
    const [type, minutes] = value.split('|');
    const gen = ++this.generation;
    this.rule = { type, minutes };
    document.body.dataset.circles = 'loading';
    this.info.textContent = t('status.loading');
    const base = `/api/plans/${encodeURIComponent(this.plan.name)}/circles/${encodeURIComponent(type)}`;
    const q = `minutes=${encodeURIComponent(minutes)}`;
    try {
      const [grids, iso, blind, sites] = await Promise.all([
        this.api(`${base}/grids?${q}&level=${this.level()}`),
        this.api(`${base}/isochrones?${q}`),
        this.api(`${base}/blindspots?${q}`),
        this.api(`${base}/suggestions?${q}&k=5`),
      ]);
      if (gen !== this.generation) return;
      const data = { 'circles-grids': grids, 'circles-isochrones': iso, 'circles-blindspots': blind, 'circles-sites': sites };
      for (const [s, fc] of Object.entries(data)) this.map.getSource(s).setData(this.datum ? this.datum.collection(fc) : fc);
      this.summary = summarise(grids, blind, sites);
      this.info.textContent = this.summary.text;
      Object.assign(document.body.dataset, {
        circles: 'ready', circlesGrids: grids.features.length, circlesIsochrones: iso.features.length,
        circlesBlindspots: blind.features.length, circlesSites: sites.features.length,
      });
    } catch (err) {
      if (gen !== this.generation) return;
      this.info.textContent = String(err.message || err);
      document.body.dataset.circles = 'error';
    }
  }

  legend() {
    if (!this.rule) return [];
    return [
      { label: t('circles.legend.good', { type: facilityName(this.rule.type), minutes: this.rule.minutes }), fill: '#91cf60' },
      { label: '50–70%', fill: '#fc8d59' },
      { label: '< 50%', fill: '#d73027' },
      { label: t('circles.legend.isochrone'), fill: '#bbdefb', line: '#1565c0' },
      { label: t('circles.legend.blindspot'), fill: '#b71c1c' },
      { label: t('circles.legend.site'), fill: '#6a1b9a' },
    ];
  }
}

function summarise(grids, blind, sites) {
  let persons = 0;
  let uncovered = 0;
  for (const f of grids.features) {
    persons += f.properties.persons || 0;
    uncovered += f.properties.persons_uncovered || 0;
  }
  const pct = persons ? (100 * (persons - uncovered)) / persons : 0;
  const best = sites.features[0];
  const site = best ? t('circles.best_site', { persons: best.properties.gain_persons }) : '';
  return { text: t('circles.summary', { pct: pct.toFixed(1), units: blind.features.length, site }) };
}
