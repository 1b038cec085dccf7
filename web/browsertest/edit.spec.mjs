// edit.spec.mjs: redraws grids on the map with the mouse, as planners do,
// and reports what the page showed. Run by web/edit_test.go as:
//
//   node edit.spec.mjs <baseURL> <screenshotDir>
//
// with the accounts in EDIT_USERS (JSON: planner, approver, viewer, scoped
// → [name, password]) and the scoped planner's street in SCOPE_STREET.
// Every request to another origin is blocked (the map must work offline).
// On a fresh draft it drags a shared vertex (20 times, measuring the
// preview latency, each undone), then drags it once more, draws a split
// line, merges two grids, gives one a new parent, undoes and redoes that,
// commits, shows the diff, checks that a viewer sees no tools and that a
// planner outside the scope is told why in Chinese, and publishes as the
// approver. One JSON line of results on stdout; the Go test judges it.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { pick } from './edit-fixture.mjs';

const baseURL = process.argv[2];
const shotDir = process.argv[3];
const users = JSON.parse(process.env.EDIT_USERS || '{}');
const scopeStreet = process.env.SCOPE_STREET || '';
const latencyEdits = Number(process.env.LATENCY_EDITS || 20);
mkdirSync(shotDir, { recursive: true });
const origin = new URL(baseURL).origin;
const STEP = 60_000;
const TOTAL = Number(process.env.EDIT_TIMEOUT_MS || 240_000);
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

const result = { screenshots: {}, errors: [], blocked: [], steps: [], latencies: [] };
const started = Date.now();
const step = (name) => result.steps.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)}s`);
let current = null; // the page to picture when a step fails

async function shot(page, name) {
  const file = join(shotDir, `${name}.png`);
  await page.screenshot({ path: file });
  result.screenshots[name] = file;
}

const body = (page, key) => page.evaluate((k) => document.body.dataset[k], key);
const waitBody = (page, key, value) => page.waitForFunction(([k, v]) => {
  const x = document.body.dataset[k];
  return typeof v === 'function' ? false : (v === '*' ? x !== undefined : x === v);
}, [key, value], { timeout: STEP });

async function newPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (err) => result.errors.push(String(err)));
  // A refused write is logged by the browser as a failed resource; the
  // refusal itself is what the test checks.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) result.errors.push(`console: ${m.text()}`); });
  // Offline: nothing but the gridplan origin answers.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    result.blocked.push(url);
    return route.abort();
  });
  return page;
}

async function openMap(page, query = '') {
  await page.goto(`${baseURL}/map/?plan=demo&level=4${query}`, { timeout: STEP });
  await waitBody(page, 'state', 'ready');
}

async function login(page, [name, password]) {
  await page.locator('.login-open').click();
  await page.locator('.login-form input[name="name"]').click();
  await page.keyboard.type(name);
  await page.locator('.login-form input[name="password"]').click();
  await page.keyboard.type(password);
  await page.locator('.login-form button[type="submit"]').click();
  await page.waitForSelector(`.user[data-user="${name}"]`, { timeout: STEP });
}

// screen converts a WGS84 position to page pixels.
async function screen(page, p) {
  const box = await page.locator('canvas.maplibregl-canvas').boundingBox();
  const s = await page.evaluate((q) => {
    const { map, datum } = window.gridplan;
    const px = map.project(datum.toMap(q));
    return [px.x, px.y];
  }, p);
  return [box.x + s[0], box.y + s[1]];
}

async function idle(page) {
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.gridplanMap;
    if (map.loaded() && !map.isMoving()) resolve();
    else map.once('idle', resolve);
  }));
}

// find types a code in the find box and picks the hit: the map zooms to
// the grid and selects it.
async function find(page, code) {
  const input = page.locator('.find-input');
  await input.click({ clickCount: 3 });
  await page.keyboard.type(code);
  await page.locator(`.find-hit[data-code="${code}"]`).click();
  await page.waitForFunction((c) => document.body.dataset.selected === c, code, { timeout: STEP });
  await idle(page);
}

async function waitPreview(page, pending) {
  await page.waitForFunction((n) => ['ready', 'error'].includes(document.body.dataset.preview) && document.body.dataset.pending === String(n),
    pending, { timeout: STEP });
  return body(page, 'preview');
}

// dragVertex drags fx's shared vertex a few pixels into grid A.
async function dragVertex(page, fx, px) {
  const v = await screen(page, fx.vertex);
  const a = await screen(page, fx.prev);
  const b = await screen(page, fx.next);
  const u = (q) => { const d = Math.hypot(q[0] - v[0], q[1] - v[1]); return [(q[0] - v[0]) / d, (q[1] - v[1]) / d]; };
  const [ua, ub] = [u(a), u(b)];
  let dir = [ua[0] + ub[0], ua[1] + ub[1]];
  const len = Math.hypot(dir[0], dir[1]);
  dir = len < 1e-6 ? [-ua[1], ua[0]] : [dir[0] / len, dir[1] / len];
  // Into A: the side whose point lies inside it.
  const inside = await page.evaluate(([p, code]) => {
    const { map, datum, editor } = window.gridplan;
    const g = editor.hood.get(code);
    const q = datum.fromMap(map.unproject(p).toArray());
    let ins = false;
    for (const poly of g.coords) for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]; const [xj, yj] = ring[j];
        if ((yi > q[1]) !== (yj > q[1]) && q[0] < ((xj - xi) * (q[1] - yi)) / (yj - yi) + xi) ins = !ins;
      }
    }
    return ins;
  }, [[v[0] + dir[0] * px - (await page.locator('canvas.maplibregl-canvas').boundingBox()).x, v[1] + dir[1] * px - (await page.locator('canvas.maplibregl-canvas').boundingBox()).y], fx.a]);
  if (!inside) dir = [-dir[0], -dir[1]];
  await page.mouse.move(v[0], v[1]);
  await page.mouse.down();
  // Two steps: each pointer move redraws the outlines (in software WebGL here).
  for (let i = 1; i <= 2; i++) await page.mouse.move(v[0] + (dir[0] * px * i) / 2, v[1] + (dir[1] * px * i) / 2);
  await page.mouse.up();
}

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'gridplan-edit-'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args, timeout: STEP });
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, locale: 'zh-CN' });
  try {
    const level4 = await (await fetch(`${baseURL}/api/plans/demo/grids?level=4`)).json();
    const level3 = await (await fetch(`${baseURL}/api/plans/demo/grids?level=3`)).json();
    const fx = pick(level4, level3);
    result.fixture = { a: fx.a, b: fx.b, c: fx.c, d: fx.d, e: fx.e, f: fx.f, p: fx.p };
    if (!fx.a || !fx.c || !fx.d || !fx.f) throw new Error(`no fixture grids: ${JSON.stringify(result.fixture)}`);

    // The planner: log in, make a draft, find A.
    const page = await newPage(context);
    current = page;
    await openMap(page);
    result.lang = await page.evaluate(() => document.documentElement.lang);
    result.toolbar = await page.locator('#levels').innerText();
    await login(page, users.planner);
    await page.waitForSelector('.draft-create', { state: 'visible', timeout: STEP });
    const draft = `map-test-${Date.now() % 100000}`;
    await page.locator('.draft-name').click({ clickCount: 3 });
    await page.keyboard.type(draft);
    await page.locator('.draft-create').click();
    await waitBody(page, 'editing', 'on');
    await waitBody(page, 'state', 'ready');
    result.draft = draft;
    step('draft');
    await find(page, fx.a);
    await page.waitForFunction(() => Number(document.body.dataset.labels || 0) > 0, null, { timeout: STEP });
    result.labels = Number(await body(page, 'labels'));
    result.labelSample = await page.evaluate(() => window.gridplanMap.queryRenderedFeatures({ layers: ['grid-labels'] }).slice(0, 3).map((f) => f.properties.name));
    await page.setViewportSize({ width: 1400, height: 900 });
    await idle(page);
    await page.waitForTimeout(500);
    await shot(page, 'level4-labels');
    await page.setViewportSize({ width: 1000, height: 700 }); // software WebGL: fewer pixels, faster frames
    await idle(page);
    step('found');

    // Latency: drag the shared vertex, wait for the preview, undo; again.
    await page.locator('.tool[data-tool="shape"]').click();
    for (let i = 0; i < latencyEdits; i++) {
      await dragVertex(page, fx, 12);
      const state = await waitPreview(page, 1);
      if (state !== 'ready') throw new Error(`preview of drag ${i}: ${await page.locator('.editor .problem').innerText()}`);
      const m = await page.evaluate(() => performance.getEntriesByName('preview', 'measure').map((e) => e.duration));
      result.latencies.push(m[m.length - 1]);
      await page.locator('.undo').click();
      await waitBody(page, 'pending', '0');
      await waitBody(page, 'preview', 'idle');
    }
    step('latency');

    // The edits to keep: the shared vertex, then split C, merge D+E, F → P.
    await dragVertex(page, fx, 12);
    await waitPreview(page, 1);
    result.dragPreview = await page.evaluate(() => ({
      rows: Number(document.querySelector('.preview-body').dataset.balanceRows),
      grids: [...document.querySelectorAll('.pv-balance tr[data-code]')].map((r) => r.dataset.code),
    }));
    await shot(page, 'preview-drag');
    await page.locator('.tool[data-tool="select"]').click();
    await find(page, fx.c);
    await page.locator('.tool[data-tool="split"]').click();
    const ext = (fx.line[1][0] - fx.line[0][0]) * 0.08;
    const p1 = await screen(page, [fx.line[0][0] - ext, fx.line[0][1]]);
    const p2 = await screen(page, [fx.line[1][0] + ext, fx.line[1][1]]);
    await page.mouse.click(p1[0], p1[1]);
    await page.mouse.move(p2[0], p2[1]);
    await page.mouse.dblclick(p2[0], p2[1]);
    if (await waitPreview(page, 2) !== 'ready') throw new Error(`split: ${await page.locator('.editor .problem').innerText()}`);
    await shot(page, 'preview');
    step('split');
    await page.locator('.tool[data-tool="select"]').click();
    await find(page, fx.d);
    const inE = fx.pointIn(fx.e);
    const pe = await screen(page, [(inE.a[0] + inE.b[0]) / 2, inE.a[1]]);
    await page.keyboard.down('Shift');
    await page.mouse.click(pe[0], pe[1]);
    await page.keyboard.up('Shift');
    await page.waitForFunction((c) => document.body.dataset.selected.split(',').length === 2, null, { timeout: STEP });
    await page.locator('[data-action="merge"]').click();
    if (await waitPreview(page, 3) !== 'ready') throw new Error(`merge: ${await page.locator('.editor .problem').innerText()}`);
    step('merge');
    await find(page, fx.f);
    await page.locator('[data-action="reparent"]').click();
    await page.locator(`.choice[data-value="${fx.p}"]`).click();
    if (await waitPreview(page, 4) !== 'ready') throw new Error(`reparent: ${await page.locator('.editor .problem').innerText()}`);
    step('reparent');
    await page.locator('.undo').click();
    await waitPreview(page, 3);
    result.afterUndo = await page.locator('.pending li').allInnerTexts();
    await page.locator('.redo').click();
    await waitPreview(page, 4);
    step('undo-redo');
    await page.locator('.commit-message').click();
    await page.keyboard.type('地图测试：移动边界、拆分、合并、改变上级');
    await page.locator('.commit').click();
    await waitBody(page, 'committed', '*');
    await waitBody(page, 'pending', '0');
    result.committed = Number(await body(page, 'committed'));
    result.refreshedTiles = Number(await body(page, 'refreshedTiles'));
    step('commit');
    await page.locator('.diff-toggle').click();
    await waitBody(page, 'diff', '*');
    await idle(page);
    result.diffPieces = Number(await body(page, 'diff'));
    result.diffMoves = await page.locator('.diff-moves li').allInnerTexts();
    await shot(page, 'diff');
    result.revisions = await page.locator('.revisions li').allInnerTexts();
    step('diff');

    // A viewer sees the map and no editing tools.
    const opened = [];
    // Other users in their own contexts of the same browser (own cookies).
    const viewerContext = context.browser() || context;
    try {
      const vctx = await viewerContext.newContext({ viewport: { width: 1000, height: 700 } });
      opened.push(vctx);
      const viewer = await newPage(vctx);
      await openMap(viewer, `&draft=${draft}`);
      await login(viewer, users.viewer);
      await viewer.waitForTimeout(300);
      result.viewer = await viewer.evaluate(() => ({
        sideHidden: document.getElementById('side').hidden,
        visibleTools: [...document.querySelectorAll('.tool, .action, .commit, .publish')].filter((b) => b.offsetParent !== null).length,
        editing: document.body.dataset.editing,
      }));
      await shot(viewer, 'viewer');
      step('viewer');

      // A planner of another street is told why the edit is refused.
      const sctx = await viewerContext.newContext({ viewport: { width: 1000, height: 700 } });
      opened.push(sctx);
      const scoped = await newPage(sctx);
      await openMap(scoped);
      await login(scoped, users.scoped);
      await scoped.waitForSelector('.draft-select', { state: 'visible', timeout: STEP });
      await scoped.waitForFunction((d) => [...document.querySelectorAll('.draft-select option')].some((o) => o.value === d), draft, { timeout: STEP });
      await scoped.locator('.draft-select').selectOption(draft);
      await waitBody(scoped, 'editing', 'on');
      await waitBody(scoped, 'state', 'ready');
      const outside = level4.features.find((f) => f.properties.kind === 'base' && !f.properties.code.startsWith(scopeStreet.slice(0, 9)) &&
        ![fx.a, fx.b, fx.c, fx.d, fx.e, fx.f].includes(f.properties.code)).properties.code;
      await find(scoped, outside);
      await scoped.locator('.rename-input').click({ clickCount: 3 });
      await scoped.keyboard.type('越权改名');
      await scoped.locator('[data-action="rename"]').click();
      await waitPreview(scoped, 1);
      result.scoped = { grid: outside, status: await body(scoped, 'problem'), text: await scoped.locator('.editor .problem-text').innerText() };
      await shot(scoped, 'refused');
      step('refused');
    } finally {
      for (const c of opened) await c.close();
    }

    // The approver publishes.
    await page.locator('.logout').click();
    await page.waitForSelector('.login-open', { timeout: STEP });
    await login(page, users.approver);
    await page.waitForFunction((d) => [...document.querySelectorAll('.draft-select option')].some((o) => o.value === d), draft, { timeout: STEP });
    await page.locator('.draft-select').selectOption(draft);
    await waitBody(page, 'editing', 'on');
    await page.waitForFunction(() => {
      const b = document.querySelector('.publish');
      return b && b.offsetParent !== null && !b.disabled;
    }, null, { timeout: STEP });
    await shot(page, 'publish');
    await page.locator('.publish').click();
    await waitBody(page, 'published', '*');
    result.published = Number(await body(page, 'published'));
    step('publish');

    // The approver makes a draft and gives it up: the first click on 放弃草稿
    // asks, the second discards, and the map shows the published plan.
    const dropped = `${draft}-x`;
    await page.locator('.draft-name').click({ clickCount: 3 });
    await page.keyboard.type(dropped);
    await page.locator('.draft-create').click();
    await waitBody(page, 'editing', 'on');
    await page.waitForSelector('.draft-discard', { state: 'visible', timeout: STEP });
    result.discardLabel = await page.locator('.draft-discard').innerText();
    await page.locator('.draft-discard').click();
    result.discardAsk = await page.locator('.draft-discard').innerText();
    await shot(page, 'discard');
    await page.locator('.draft-discard').click();
    await waitBody(page, 'discarded', dropped);
    await waitBody(page, 'editing', 'off');
    result.discarded = dropped;
    result.discardListed = await page.evaluate((d) => [...document.querySelectorAll('.draft-select option')].some((o) => o.value === d), dropped);
    step('discard');
  } catch (err) {
    if (current) {
      await shot(current, 'failure').catch(() => {});
      result.failureState = await current.evaluate(() => ({ ...document.body.dataset })).catch(() => null);
    }
    throw err;
  } finally {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

setTimeout(() => {
  result.fatal = `gave up after ${TOTAL / 1000} s`;
  console.log(JSON.stringify(result));
  process.exit(1);
}, TOTAL).unref();

main().then(() => console.log(JSON.stringify(result)), (err) => {
  result.fatal = String(err && err.stack ? err.stack : err);
  console.log(JSON.stringify(result));
  process.exitCode = 1;
});
