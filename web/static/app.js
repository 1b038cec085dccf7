// app.js: gridplan's web map. Loads the plans from /api/plans, lets the user
// pick a plan, a level and (signed in) a draft, draws that level's grids
// with MapLibre GL JS and their labels, highlights the grid under the
// pointer and shows its properties on click. Levels 1-2 come as GeoJSON
// from the API, levels 3 and up as vector tiles. With a basemap configured
// (serve --basemap) it draws under the grids; in GCJ-02 the overlays are
// asked for in GCJ-02 too. Editing (edit/) shows for planners and
// approvers once a draft is picked.
//
// For tests and scripts the map state is observable: window.gridplanMap is
// the maplibregl.Map, and <body> carries data-state (loading|ready|empty|
// error) and data-features (grids loaded for the shown level) once the map is
// idle with the level drawn.

import { api } from './api.js';
import { addBasemap } from './basemap.js';
import { BalanceLayers } from './balance.js';
import { CircleLayers } from './circles.js';
import { CoverageLayers } from './coverage.js';
import { Datum } from './datum.js';
import { Editor } from './edit/editor.js';
import { levelName, t } from './i18n.js';
import { GridLabels } from './labels.js';
import { GridLayers, LayerRegistry } from './layers.js';
import { FindBox } from './search.js';
import { Session } from './session.js';
import { markLevel, popupContent, renderLanguages, renderLegend, renderLevels, renderPlans, setStatus } from './ui.js';

const $ = (id) => document.getElementById(id);
const dom = { plan: $('plan'), levels: $('levels'), legend: $('legend'), status: $('status'), lang: $('lang'),
  session: $('session'), find: $('find'), side: $('side') };

const state = { plans: [], plan: null, level: 1, generation: 0, draft: null };

function setBodyState(name, features) {
  document.body.dataset.state = name;
  if (features === undefined) delete document.body.dataset.features;
  else document.body.dataset.features = String(features);
}

function fail(err) {
  console.error(err);
  let message = (err && err.message) || String(err);
  if (message.includes('Failed to initialize WebGL')) message = t('status.no_webgl');
  setStatus(dom.status, message, true);
  setBodyState('error');
}

function syncURL() {
  const url = new URL(window.location.href);
  url.searchParams.set('plan', state.plan.name);
  url.searchParams.set('level', String(state.level));
  if (state.draft) url.searchParams.set('draft', state.draft);
  else url.searchParams.delete('draft');
  window.history.replaceState(null, '', url);
}

function nameOfLevel(level) {
  const l = state.plan.levels.find((x) => x.level === level);
  return levelName(level, l && l.name);
}

// Anything thrown outside a handled promise (e.g. no WebGL) shows as an error.
window.addEventListener('error', (e) => {
  if (String(e.message).startsWith('ResizeObserver')) return; // a benign layout notice
  fail(e.error || new Error(e.message));
});
window.addEventListener('unhandledrejection', (e) => fail(e.reason));

renderLanguages(dom.lang);
const config = await api('/api/map/config').catch(() => ({ basemap: null }));
const datum = new Datum(config.basemap && config.basemap.datum);

// The tile version the map asks for: after a commit, tiles the change
// touched are fetched again at the draft's new version (tileVersion) while
// the rest stay as they are (see refreshTouched).
let tileVersion = null;

const map = new maplibregl.Map({
  container: 'map',
  // A plain background and the bundled glyphs: nothing fetched from outside.
  style: {
    version: 8,
    glyphs: `${window.location.origin}/map/glyphs/{fontstack}/{range}.pbf`,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }],
  },
  // Chinese labels from the browser's fonts: no CJK glyph ranges to ship.
  localIdeographFontFamily: "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
  center: [113.6, 34.7],
  zoom: 10,
  attributionControl: false,
  // Labels placed at once: a fade repaints the map for 300 ms after every
  // edit, which holds up the preview on a slow (software-drawn) canvas.
  fadeDuration: 0,
  transformRequest: (url, kind) => {
    if (kind === 'Tile' && tileVersion && url.includes('/tiles/')) return { url: url.replace(/([?&]v=)[^&]*/, `$1${tileVersion}`) };
    return { url };
  },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
window.gridplanMap = map;
map.on('error', (e) => console.error('map:', e.error || e));

map.getContainer().append(dom.legend); // over the map, clear of the side panel
const registry = new LayerRegistry(map);
const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '360px' });
let grids;
let balance;
let circles;
let coverage;
let editor;
let session;

// Levels from this one on are drawn from vector tiles: thousands of grids
// (6,800 micro-grids in the demo) would make one GeoJSON response heavy.
const TILED_FROM = 3;

// viewQuery is the query naming the shown view: '&draft=D' or ''.
function viewQuery() { return state.draft ? `&draft=${encodeURIComponent(state.draft)}` : ''; }

// ogcBase is the root of the shown view's OGC API and tiles.
function ogcBase() {
  return state.draft ? `/plans/${encodeURIComponent(state.plan.name)}/drafts/${encodeURIComponent(state.draft)}` : '';
}

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
  setStatus(dom.status, t('status.loading_level', { level, name: nameOfLevel(level) }));
  const plan = encodeURIComponent(state.plan.name);
  grids.ogcBase = ogcBase();
  grids.datumQuery = datum.query();
  tileVersion = null;
  if (level >= TILED_FROM) {
    const collection = `${state.plan.name}-level-${level}`;
    const q = datum.query() ? `?${datum.query()}` : '';
    grids.setTiles(`${window.location.origin}${ogcBase()}/tiles/${encodeURIComponent(collection)}.json${q}`, collection, levelCounts(level));
  } else {
    const fc = await api(`/api/plans/${plan}/grids?level=${level}${viewQuery()}`);
    if (gen !== state.generation) return;
    grids.setData(datum.collection(fc));
  }
  circles.setLevel().catch(fail);
  if (editor) editor.levelChanged(level);
  map.triggerRepaint(); // so that 'idle' follows this data even on an empty level
  await map.once('idle');
  if (gen !== state.generation) return;
  balance.count(grids.features());
  renderLegend(dom.legend, registry.legend());
  const c = grids.counts();
  const special = c.special ? t('status.kinds', { base: c.base, special: c.special }) : '';
  const how = level >= TILED_FROM ? t('status.tiles') : '';
  const where = state.draft ? t('status.draft', { draft: state.draft }) : '';
  setStatus(dom.status, t('status.level', { total: c.total, special, level, name: nameOfLevel(level), how, where }));
  setBodyState('ready', c.total);
}

// refreshTouched shows a committed change: a GeoJSON level is read again;
// for tiles only those under the changed ground are fetched again, at the
// view's new version (the others still show what did not change).
async function refreshTouched(bounds) {
  if (state.level < TILED_FROM) {
    const fc = await api(`/api/plans/${encodeURIComponent(state.plan.name)}/grids?level=${state.level}${viewQuery()}`);
    grids.setData(datum.collection(fc));
    return;
  }
  const collection = `${state.plan.name}-level-${state.level}`;
  const q = datum.query() ? `?${datum.query()}` : '';
  const tj = await api(`${ogcBase()}/tiles/${encodeURIComponent(collection)}.json${q}`);
  const m = /[?&]v=([^&]+)/.exec(tj.tiles[0]);
  tileVersion = m ? m[1] : null;
  const touched = tilesUnder(bounds);
  document.body.dataset.refreshedTiles = String(touched.length);
  map.refreshTiles(grids.source, touched);
}

// tilesUnder lists the tile addresses covering bounds ([[w, s], [e, n]],
// drawn coordinates) at the zooms the map may be showing.
function tilesUnder(bounds) {
  const out = [];
  const z0 = Math.min(16, Math.floor(map.getZoom()));
  for (const z of [z0 - 1, z0, z0 + 1]) {
    if (z < 0 || z > 16) continue;
    const n = 2 ** z;
    const x = (lon) => Math.floor(((lon + 180) / 360) * n);
    const y = (lat) => {
      const r = (lat * Math.PI) / 180;
      return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    };
    for (let tx = x(bounds[0][0]); tx <= x(bounds[1][0]); tx++) {
      for (let ty = y(bounds[1][1]); ty <= y(bounds[0][1]); ty++) out.push({ z, x: tx, y: ty });
    }
  }
  return out;
}

function fitPlan(plan) {
  const b = plan.bbox;
  if (!b || b.length !== 4) return;
  const sw = datum.toMap([b[0], b[1]]);
  const ne = datum.toMap([b[2], b[3]]);
  map.fitBounds([sw, ne], { padding: 24, animate: false });
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
  if (editor) await editor.planChanged();
  await loadLevel(chosen);
}

// showDraft switches the map to a draft (null: the published plan).
async function showDraft(draft) {
  state.draft = draft;
  await loadLevel(state.level);
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
  if (editor && editor.busy()) return;
  const hit = topGrid(e.point);
  setHover(hit && hit.id !== undefined ? hit.id : null);
  map.getCanvas().style.cursor = hit ? 'pointer' : '';
});
map.on('mouseout', () => setHover(null));
map.on('click', (e) => {
  if (editor && editor.click(e, topGrid(e.point))) return popup.remove(); // the editor took the click
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

// goTo shows a found grid: its level, the map around it, selected.
async function goTo(hit) {
  if (hit.level !== state.level) await loadLevel(hit.level);
  const sw = datum.toMap([hit.bbox[0], hit.bbox[1]]);
  const ne = datum.toMap([hit.bbox[2], hit.bbox[3]]);
  map.fitBounds([sw, ne], { padding: 80, maxZoom: 17, duration: 0 });
  await editor.selectCode(hit.code, hit.level);
  document.body.dataset.found = hit.code;
}

async function start() {
  await map.once('load');
  addBasemap(map, config.basemap);
  grids = registry.add(new GridLayers());
  balance = registry.add(new BalanceLayers(grids.source));
  grids.onSourceChange = (g) => {
    hoverID = null; // feature state does not survive a new source
    balance.follow(g);
  };
  balance.onToggle = () => renderLegend(dom.legend, registry.legend());
  circles = registry.add(new CircleLayers(api, () => state.level));
  circles.datum = datum;
  coverage = registry.add(new CoverageLayers(api, () => state.plan));
  coverage.datum = datum;
  coverage.view = viewQuery;
  registry.add(new GridLabels(grids));
  session = new Session(dom.session, () => editor.sessionChanged().catch(fail));
  editor = registry.add(new Editor({ map, grids, datum, session, state, side: dom.side, viewQuery, ogcBase,
    showDraft, refreshTouched, loadLevel, fail }));
  const find = new FindBox({ plan: () => state.plan, view: viewQuery, levels: () => state.plan.levels, go: (h) => goTo(h).catch(fail) });
  dom.find.replaceChildren(find.root);
  window.gridplan = { map, registry, state, editor, datum };
  await session.load();
  const { plans } = await api('/api/plans');
  state.plans = plans;
  if (plans.length === 0) {
    setStatus(dom.status, t('status.no_plans'));
    setBodyState('empty', 0);
    return;
  }
  const params = new URLSearchParams(window.location.search);
  renderPlans(dom.plan, plans, params.get('plan') || plans[0].name, (name) => selectPlan(name, 1).catch(fail));
  await selectPlan(params.get('plan') || plans[0].name, Number(params.get('level')) || 1);
}

start().catch(fail);
