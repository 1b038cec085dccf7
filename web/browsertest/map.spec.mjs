// map.spec.mjs: drives Debian's Chromium (through playwright-core) against a
// running gridplan and measures what the web map really draws. Run by
// web/map_test.go as:
//
//   node map.spec.mjs <baseURL> [screenshotDir]
//
// It opens /map/, waits for the map to report data-state=ready, counts the
// grids MapLibre rendered and the canvas pixels that are not background,
// switches to level 3, clicks a grid and reads the popup. It prints one JSON
// line of measurements on stdout and leaves the judging to the Go test; it
// exits non-zero only when it could not measure at all.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const baseURL = process.argv[2];
const shotDir = process.argv[3] || mkdtempSync(join(tmpdir(), 'gridplan-shots-'));
if (!baseURL) {
  console.error('usage: node map.spec.mjs <baseURL> [screenshotDir]');
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FILL_LAYERS = ['grids-base-fill', 'grids-special-fill'];
const BACKGROUND = [0xf4, 0xf1, 0xea]; // app.js's background-color
const TIMEOUT = 60_000; // one step
const TOTAL_TIMEOUT = 150_000; // the whole run

// Headless Chromium has no GPU here: WebGL runs on SwiftShader (software).
// Chromium 148 still falls back to it by itself, but that fallback is
// deprecated; these flags ask for it explicitly so newer versions keep working.
const args = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

const result = { baseURL, screenshots: {}, errors: [], console: [] };

// waitReady waits until the map says it is ready (or failed) with the given level.
async function waitReady(page, level) {
  await page.waitForFunction((lvl) => {
    const s = document.body.dataset.state;
    if (s === 'error') return true;
    return s === 'ready' && new URL(location.href).searchParams.get('level') === String(lvl);
  }, level, { timeout: TIMEOUT });
  const state = await page.evaluate(() => ({ ...document.body.dataset, status: document.getElementById('status').textContent }));
  if (state.state !== 'ready') throw new Error(`map failed: ${state.status}`);
  return state;
}

// rendered counts the distinct grids MapLibre drew in the fill layers.
function rendered(page) {
  return page.evaluate((layers) => {
    const map = window.gridplanMap;
    const ids = new Set(map.queryRenderedFeatures({ layers }).map((f) => f.id));
    return ids.size;
  }, FILL_LAYERS);
}

// inkShare screenshots the map canvas and, decoding the PNG in the page,
// returns the share of pixels that differ clearly from the background.
async function inkShare(page, name) {
  const png = await page.locator('canvas.maplibregl-canvas').screenshot();
  const file = join(shotDir, `${name}-canvas.png`);
  writeFileSync(file, png);
  result.screenshots[`${name}-canvas`] = file;
  return page.evaluate(async ({ b64, bg }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) {
      const d = Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]);
      if (d > 8) ink++;
    }
    return ink / (px.length / 4);
  }, { b64: png.toString('base64'), bg: BACKGROUND });
}

async function measureLevel(page, level, name) {
  const state = await waitReady(page, level);
  const out = {
    level,
    features: Number(state.features),
    rendered: await rendered(page),
    ink: await inkShare(page, name),
    status: state.status,
    balance: state.balance || '', // balance.js: the deviation choropleth on or off
    balanceGrids: Number(state.balanceGrids || 0), // base grids carrying balance figures
    // geojson for small levels, vector for tiled ones
    source: await page.evaluate(() => {
      const map = window.gridplanMap;
      return map.getSource(map.getLayer('grids-base-fill').source).type;
    }),
  };
  const file = join(shotDir, `${name}.png`);
  await page.screenshot({ path: file });
  result.screenshots[name] = file;
  return out;
}

// clickGrid clicks a point of a coarse lattice over the canvas that lies
// well inside one grid (the same grid id 4 px around it, so not on an edge),
// and returns that grid's code — looked up by id in the application API, not
// the path the map itself uses (overview tiles carry no code) — and the code
// the popup shows.
async function clickGrid(page) {
  const target = await page.evaluate(async (layers) => {
    const map = window.gridplanMap;
    const interactive = window.gridplan.registry.interactiveLayers();
    const top = (p) => {
      const hits = map.queryRenderedFeatures(p, { layers: interactive });
      return hits.length && layers.includes(hits[0].layer.id) ? hits[0].id : null;
    };
    const { width, height } = map.getCanvas().getBoundingClientRect();
    for (const fy of [0.53, 0.43, 0.63, 0.33, 0.73]) {
      for (const fx of [0.53, 0.43, 0.63, 0.33, 0.73]) {
        const [x, y] = [Math.round(width * fx), Math.round(height * fy)];
        const id = top([x, y]);
        const around = [[x - 4, y], [x + 4, y], [x, y - 4], [x, y + 4]].map(top);
        if (id !== null && around.every((c) => c === id)) {
          const { plan, level } = window.gridplan.state;
          const res = await fetch(`/api/plans/${encodeURIComponent(plan.name)}/grids?level=${level}`);
          const grid = (await res.json()).features.find((f) => f.id === id);
          return { point: [x, y], code: grid ? grid.properties.code : `no grid with id ${id}` };
        }
      }
    }
    return null;
  }, FILL_LAYERS);
  if (!target) return { expected: '', code: '', fields: [] };
  const box = await page.locator('canvas.maplibregl-canvas').boundingBox();
  await page.mouse.move(box.x + target.point[0], box.y + target.point[1]);
  await page.mouse.click(box.x + target.point[0], box.y + target.point[1]);
  const popup = page.locator('.maplibregl-popup .grid-popup');
  await popup.waitFor({ timeout: TIMEOUT });
  const code = (await popup.locator('tr[data-field="code"] td').textContent()) || '';
  const fields = await popup.locator('tr').evaluateAll((rows) => rows.map((r) => r.dataset.field));
  const file = join(shotDir, 'popup.png');
  await page.screenshot({ path: file });
  result.screenshots.popup = file;
  return { expected: target.code, code: code.trim(), fields };
}

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'gridplan-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath, headless: true, args, viewport: { width: 1024, height: 768 }, timeout: TIMEOUT,
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (err) => result.errors.push(String(err)));
    page.on('console', (msg) => {
      // SwiftShader's performance notes (e.g. "GPU stall due to ReadPixels") are noise.
      if (msg.text().includes('GL Driver Message')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') result.console.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) result.errors.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    page.on('requestfailed', (req) => result.errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));

    const started = Date.now();
    await page.goto(new URL('/map/', baseURL).href, { timeout: TIMEOUT });
    result.level1 = await measureLevel(page, 1, 'level1');
    result.level1.ms = Date.now() - started;
    result.webgl = await page.evaluate(() => {
      const canvas = window.gridplanMap.getCanvas();
      const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
      const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : (gl ? gl.getParameter(gl.RENDERER) : 'none');
    });

    const t3 = Date.now();
    await page.locator('#levels button[data-level="3"]').click();
    result.level3 = await measureLevel(page, 3, 'level3');
    result.level3.ms = Date.now() - t3;

    result.popup = await clickGrid(page);

    const t4 = Date.now();
    await page.locator('#levels button[data-level="4"]').click();
    result.level4 = await measureLevel(page, 4, 'level4');
    result.level4.ms = Date.now() - t4;
  } finally {
    if (context) await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

// A hung browser must not hang the test: report what was measured and stop.
setTimeout(() => {
  result.fatal = `gave up after ${TOTAL_TIMEOUT / 1000} s`;
  console.log(JSON.stringify(result));
  process.exit(1);
}, TOTAL_TIMEOUT).unref();

main().then(
  () => { console.log(JSON.stringify(result)); },
  (err) => {
    result.fatal = String(err && err.stack ? err.stack : err);
    console.log(JSON.stringify(result));
    process.exitCode = 1;
  },
);
