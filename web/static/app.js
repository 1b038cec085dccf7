// app.js: gridplan's web map. Loads the plans from /api/plans, lets the user
// pick a plan and a level, draws that level's grids with MapLibre GL JS (no
// basemap: the map works offline), highlights the grid under the pointer and
// shows its properties on click. Levels 1-2 come as GeoJSON from the API,
// levels 3 and up as vector tiles.
//
// For tests and scripts the map state is observable: window.gridplanMap is
// the maplibregl.Map, and <body> carries data-state (loading|ready|empty|
// error) and data-features (grids loaded for the shown level) once the map is
// idle with the level drawn.

import { GridLayers, LayerRegistry } from './layers.js';
import { CircleLayers } from './circles.js';
import { BalanceLayers } from './balance.js';
import { CoverageLayers } from './coverage.js';
import { markLevel, popupContent, renderLegend, renderLevels, renderPlans, setStatus } from './ui.js';

const $ = (id) => document.getElementById(id);
const dom = { plan: $('plan'), levels: $('levels'), legend: $('legend'), status: $('status') };

const state = { plans: [], plan: null, level: 1, generation: 0 };

// api fetches JSON and turns problem+json answers into readable errors.
async function api(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json, application/geo+json' } });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    try {
      const problem = await res.json();
      if (problem.detail) detail = problem.detail;
    } catch { /* not problem+json */ }
    throw new Error(`${path}: ${detail}`);
  }
  return res.json();
}

function setBodyState(name, features) {
  document.body.dataset.state = name;
  if (features === undefined) delete document.body.dataset.features;
  else document.body.dataset.features = String(features);
}

function fail(err) {
  console.error(err);
  let message = (err && err.message) || String(err);
  if (message.includes('Failed to initialize WebGL')) message = 'This browser cannot draw the map: WebGL is not available.';
  setStatus(dom.status, message, true);
  setBodyState('error');
}

function syncURL() {
  const url = new URL(window.location.href);
  url.searchParams.set('plan', state.plan.name);
  url.searchParams.set('level', String(state.level));
  window.history.replaceState(null, '', url);
}

function levelName(level) {
  const l = state.plan.levels.find((x) => x.level === level);
  return l ? l.name : `level ${level}`;
}

// Anything thrown outside a handled promise (e.g. no WebGL) shows as an error.
window.addEventListener('error', (e) => {
  if (String(e.message).startsWith('ResizeObserver')) return; // a benign layout notice
  fail(e.error || new Error(e.message));
});
window.addEventListener('unhandledrejection', (e) => fail(e.reason));

const map = new maplibregl.Map({
  container: 'map',
  // A plain background: no basemap tiles, nothing fetched from outside.
  style: {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }],
  },
  center: [113.6, 34.7],
  zoom: 10,
  attributionControl: false,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
window.gridplanMap = map;
map.on('error', (e) => console.error('map:', e.error || e));

const registry = new LayerRegistry(map);
const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '360px' });
let grids;
let balance;
let circles;
let coverage;

// Levels from this one on are drawn from vector tiles: thousands of grids
// (6,800 micro-grids in the demo) would make one GeoJSON response heavy.
const TILED_FROM = 3;

// levelCounts returns a level's grids by kind from the plan summary.
function levelCounts(level) {
  const c = { total: 0, base: 0, special: 0 };
  for (const l of state.summary.counts.levels) {
    if (l.level !== level) continue;
    c.total += l.grids;
    if (l.kind === 'special') c.special += l.grids;
    else c.base += l.grids;
  }
  return c;
}

// loadLevel draws one level's grids; a newer request wins.
async function loadLevel(level) {
  const gen = ++state.generation;
  state.level = level;
  markLevel(dom.levels, level);
  syncURL();
  popup.remove();
  setBodyState('loading');
  setStatus(dom.status, `Loading level ${level} (${levelName(level)})…`);
  const plan = encodeURIComponent(state.plan.name);
  if (level >= TILED_FROM) {
    const collection = `${state.plan.name}-level-${level}`;
    grids.setTiles(`/tiles/${encodeURIComponent(collection)}.json`, collection, levelCounts(level));
  } else {
    const fc = await api(`/api/plans/${plan}/grids?level=${level}`);
    if (gen !== state.generation) return;
    grids.setData(fc);
  }
  circles.setLevel().catch(fail);
  map.triggerRepaint(); // so that 'idle' follows this data even on an empty level
  await map.once('idle');
  if (gen !== state.generation) return;
  balance.count(grids.features());
  renderLegend(dom.legend, registry.legend());
  const c = grids.counts();
  const special = c.special ? ` (${c.base} base, ${c.special} special)` : '';
  const how = level >= TILED_FROM ? ', vector tiles' : '';
  setStatus(dom.status, `${c.total} grids${special} · level ${level} ${levelName(level)}${how}`);
  setBodyState('ready', c.total);
}

function fitPlan(plan) {
  const b = plan.bbox;
  if (b && b.length === 4) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 24, animate: false });
}

async function selectPlan(name, level) {
  state.plan = state.plans.find((p) => p.name === name) || state.plans[0];
  dom.plan.value = state.plan.name;
  const levels = state.plan.levels.map((l) => l.level);
  const chosen = levels.includes(level) ? level : levels[0] || 1;
  renderLevels(dom.levels, state.plan.levels, chosen, (l) => loadLevel(l).catch(fail));
  fitPlan(state.plan);
  state.summary = await api(`/api/plans/${encodeURIComponent(state.plan.name)}`);
  circles.setPlan(state.plan).catch(fail);
  await loadLevel(chosen);
}

// Hover: one highlighted grid at a time, through feature state.
let hoverID = null;
function setHover(id) {
  if (hoverID === id) return;
  const at = { source: grids.source, sourceLayer: grids.sourceLayer };
  if (hoverID !== null) map.setFeatureState({ ...at, id: hoverID }, { hover: false });
  hoverID = id;
  if (id !== null) map.setFeatureState({ ...at, id }, { hover: true });
}

function topGrid(point) {
  const hits = map.queryRenderedFeatures(point, { layers: registry.interactiveLayers() });
  return hits.length ? hits[0] : null;
}

map.on('mousemove', (e) => {
  const hit = topGrid(e.point);
  setHover(hit && hit.id !== undefined ? hit.id : null);
  map.getCanvas().style.cursor = hit ? 'pointer' : '';
});
map.on('mouseout', () => setHover(null));
map.on('click', (e) => {
  if (coverage && coverage.click(e)) return popup.remove(); // a coverage finding answers for itself
  const hit = topGrid(e.point);
  if (!hit) {
    popup.remove();
    return;
  }
  grids.details(hit, api).then((f) => {
    popup.setLngLat(e.lngLat).setDOMContent(popupContent(f)).addTo(map);
  }).catch(fail);
});

async function start() {
  await map.once('load');
  grids = registry.add(new GridLayers());
  balance = registry.add(new BalanceLayers(grids.source));
  grids.onSourceChange = (g) => {
    hoverID = null; // feature state does not survive a new source
    balance.follow(g);
  };
  balance.onToggle = () => renderLegend(dom.legend, registry.legend());
  circles = registry.add(new CircleLayers(api, () => state.level));
  coverage = registry.add(new CoverageLayers(api, () => state.plan));
  window.gridplan = { map, registry, state };
  const { plans } = await api('/api/plans');
  state.plans = plans;
  if (plans.length === 0) {
    setStatus(dom.status, 'No plans yet: create one with "gridplan demo" or "gridplan plan create".');
    setBodyState('empty', 0);
    return;
  }
  const params = new URLSearchParams(window.location.search);
  renderPlans(dom.plan, plans, params.get('plan') || plans[0].name, (name) => selectPlan(name, 1).catch(fail));
  await selectPlan(params.get('plan') || plans[0].name, Number(params.get('level')) || 1);
}

start().catch(fail);
