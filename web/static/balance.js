// balance.js: the balance choropleth of the map (规模适度). It colours the
// shown level's grids by their deviation from the ideal size (blue: smaller
// than their siblings' mean or the level's target, red: larger) and outlines
// those outside their level's band. The figures are the grid properties the
// balance audit stores (deviation_pct, band), so the layer styles the grids
// source GridLayers draws (GeoJSON or tiles, which carry both at every zoom);
// grids not yet audited stay uncoloured.
// A checkbox switches it off to show the plain grids.
//
// For tests: <body data-balance="on|off"> and data-balance-grids (base
// grids of the shown level that carry figures).

import { t } from './i18n.js';

// Deviation ramp, % from ideal: diverging around 0 (ColorBrewer RdBu).
const RAMP = [-50, '#2166ac', -20, '#92c5de', 0, '#f7f7f7', 20, '#f4a582', 50, '#b2182b'];
const UNDER = '#2166ac';
const OVER = '#b2182b';

// Base grids only: special grids keep their own styling, drawn above, and
// their figures compare them with other special grids, not with the band.
const isBase = ['!=', ['get', 'kind'], 'special'];
const hasFigures = ['all', isBase, ['!=', ['get', 'deviation_pct'], null]];
const outOfBand = ['all', isBase, ['in', ['get', 'band'], ['literal', ['under', 'over']]]];
// Under the special grids' layers, when GridLayers has them.
const BELOW = 'grids-special-fill';

export class BalanceLayers {
  constructor(source) {
    this.id = 'balance';
    this.source = source; // the grids source of GridLayers
    this.on = true;
    this.audited = 0;
  }

  install(map, registry) {
    this.map = map;
    this.addLayers({ source: this.source });
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = this.on;
    box.onchange = () => this.toggle(box.checked);
    const label = document.createElement('label');
    label.className = 'balance-toggle map-panel';
    label.title = t('balance.title');
    label.append(box, ` ${t('balance.toggle')}`);
    registry.addPanel(label);
    this.toggle(this.on);
  }

  // follow is GridLayers' onSourceChange: drop the layers before the grid
  // source goes (grids null), add them again on the new one.
  follow(grids) {
    for (const id of ['balance-fill', 'balance-band']) if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (!grids) return;
    this.addLayers(grids.sourceLayer ? { source: grids.source, 'source-layer': grids.sourceLayer } : { source: grids.source });
    this.toggle(this.on);
  }

  addLayers(on) {
    const map = this.map;
    const before = map.getLayer(BELOW) ? BELOW : undefined;
    map.addLayer({
      id: 'balance-fill', type: 'fill', ...on, filter: hasFigures,
      paint: {
        'fill-color': ['interpolate', ['linear'], ['to-number', ['get', 'deviation_pct'], 0], ...RAMP],
        'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.9, 0.75],
      },
    }, before);
    // Thin when zoomed out: most of a dense level may be out of band (the
    // demo's micro-grids are), and thick outlines would hide the colours.
    map.addLayer({
      id: 'balance-band', type: 'line', ...on, filter: outOfBand,
      paint: {
        'line-color': ['match', ['get', 'band'], 'under', UNDER, OVER],
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 15, 2.5],
        'line-dasharray': ['literal', [2, 1]],
      },
    }, before);
  }

  toggle(on) {
    this.on = on;
    for (const id of ['balance-fill', 'balance-band']) {
      this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    }
    document.body.dataset.balance = on ? 'on' : 'off';
    if (this.onToggle) this.onToggle();
  }

  // count counts the drawn base grids of the shown level that carry figures.
  count(features) {
    this.audited = features.filter((f) => f.properties.kind !== 'special' &&
      f.properties.deviation_pct !== undefined && f.properties.deviation_pct !== null).length;
    document.body.dataset.balanceGrids = String(this.audited);
  }

  legend() {
    if (!this.on) return [];
    if (this.audited === 0) {
      return [{ label: t('balance.none'), fill: '#ffffff', line: '#b0bec5' }];
    }
    const entries = [];
    for (let i = RAMP.length - 2; i >= 0; i -= 2) {
      const pct = RAMP[i];
      const label = pct === 0 ? t('balance.ideal') : t(Math.abs(pct) === 50 ? 'balance.pct_more' : 'balance.pct', { pct: `${pct > 0 ? '+' : ''}${pct}` });
      entries.push({ label, fill: RAMP[i + 1], line: RAMP[i + 1] });
    }
    entries.push({ label: t('balance.over'), fill: 'transparent', line: OVER, dashed: true });
    entries.push({ label: t('balance.under'), fill: 'transparent', line: UNDER, dashed: true });
    return entries;
  }
}
