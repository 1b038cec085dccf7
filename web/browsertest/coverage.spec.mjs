// coverage.spec.mjs: drives Debian's Chromium (playwright-core) against a
// running gridplan whose plan "demo" has one coverage gap, and measures what
// the coverage layer shows. Run by web/coverage_test.go as:
//
//   node coverage.spec.mjs <baseURL> [screenshotDir]
//
// It opens /map/, runs the coverage audit from the panel, clicks the
// finding's marker and reads the popup, the outlined grids and the zoom.
// It prints one JSON line of measurements; the Go test judges them.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const baseURL = process.argv[2];
const shotDir = process.argv[3] || mkdtempSync(join(tmpdir(), 'gridplan-shots-'));
mkdirSync(shotDir, { recursive: true });
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = 60_000;
const args = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];
const result = { screenshots: {}, errors: [] };

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'gridplan-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath, headless: true, args, viewport: { width: 1024, height: 768 }, timeout: TIMEOUT,
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (err) => result.errors.push(String(err)));
    page.on('response', (res) => { if (res.status() >= 400) result.errors.push(`HTTP ${res.status()}: ${res.url()}`); });
    await page.goto(new URL('/map/?plan=demo&level=4', baseURL).href, { timeout: TIMEOUT });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: TIMEOUT });
    await page.locator('.coverage-panel button').click();
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.coverage), null, { timeout: TIMEOUT });
    const ds = await page.evaluate(() => ({ ...document.body.dataset }));
    result.state = ds.coverage;
    result.findings = Number(ds.coverageFindings || 0);
    result.errorsFound = Number(ds.coverageErrors || 0);
    result.summary = await page.locator('.coverage-panel output').textContent();
    result.zoomBefore = await page.evaluate(() => window.gridplanMap.getZoom());
    // The finding's marker, where MapLibre draws it.
    await page.evaluate(() => new Promise((ok) => { window.gridplanMap.once('idle', ok); window.gridplanMap.triggerRepaint(); }));
    const target = await page.evaluate(() => {
      const map = window.gridplanMap;
      const hits = map.queryRenderedFeatures({ layers: ['coverage-markers'] });
      if (hits.length === 0) return null;
      const p = map.project(hits[0].geometry.coordinates);
      return { x: p.x, y: p.y, colour: map.getPaintProperty('coverage-markers', 'circle-color') !== undefined };
    });
    result.marker = Boolean(target);
    if (target) {
      const box = await page.locator('canvas.maplibregl-canvas').boundingBox();
      await page.mouse.click(box.x + target.x, box.y + target.y);
      const popup = page.locator('.maplibregl-popup .coverage-popup');
      await popup.waitFor({ timeout: TIMEOUT });
      result.kind = await popup.getAttribute('data-kind');
      result.popupGrids = await popup.locator('.coverage-grids li').allTextContents();
      result.gridPopups = await page.locator('.maplibregl-popup .grid-popup').count();
      await page.waitForFunction(() => Number(document.body.dataset.coverageOutlined || 0) > 0, null, { timeout: TIMEOUT });
      result.outlined = Number(await page.evaluate(() => document.body.dataset.coverageOutlined));
      result.zoomAfter = await page.evaluate(() => window.gridplanMap.getZoom());
      const file = join(shotDir, 'coverage-finding.png');
      await page.screenshot({ path: file });
      result.screenshots.finding = file;
    }
  } finally {
    if (context) await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

setTimeout(() => {
  result.fatal = 'gave up after 150 s';
  console.log(JSON.stringify(result));
  process.exit(1);
}, 150_000).unref();

main().then(
  () => { console.log(JSON.stringify(result)); },
  (err) => {
    result.fatal = String(err && err.stack ? err.stack : err);
    console.log(JSON.stringify(result));
    process.exitCode = 1;
  },
);
