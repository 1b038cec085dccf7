// preview.js: what a change set would do, as the server's dry run says:
// coverage findings it adds and removes, each changed grid's persons and
// households before → after with its band (under, within, over the
// level's band) in the balance colours, and the service-circle coverage
// that moves.

import { formatNumber, t } from '../i18n.js';
import { facilityName } from '../circles.js';
import { el } from '../ui.js';

const BAND_CLASS = { under: 'band-under', within: 'band-within', over: 'band-over' };

function band(b) {
  return el('span', { className: `band ${BAND_CLASS[b] || ''}`, textContent: b ? t(`band.${b}`) : '—', dataset: { band: b || '' } });
}

function arrow(before, after) {
  const diff = after - before;
  const sign = diff > 0 ? '+' : '';
  return el('span', { className: 'change' }, `${formatNumber(before)} → ${formatNumber(after)} `,
    el('small', { className: diff === 0 ? 'same' : diff > 0 ? 'up' : 'down', textContent: `(${sign}${formatNumber(diff)})` }));
}

function findingList(list, cls) {
  return el('ul', { className: cls }, ...list.map((f) => {
    const p = f.properties || f;
    const area = p.area_m2 !== undefined ? ` ${Number(p.area_m2).toFixed(1)} m²` : '';
    return el('li', { textContent: `${t(`kind.${p.kind}`)} · ${(p.grids || []).join('、')}${area}` });
  }));
}

// renderPreview fills panel with result; names maps codes to grid names.
export function renderPreview(panel, result, names) {
  const label = (code) => (names.get(code) ? `${names.get(code)} ${code}` : code);
  const cov = result.coverage || { added: [], removed: [] };
  const added = cov.added || [];
  const removed = cov.removed || [];
  const addedErrors = added.filter((f) => (f.properties || f).severity === 'error').length;
  const coverage = el('section', { className: 'pv-coverage', dataset: { added: String(added.length), removed: String(removed.length), addedErrors: String(addedErrors) } },
    el('h4', { textContent: t('preview.coverage') }),
    el('p', { textContent: added.length || removed.length ? t('preview.coverage_counts', { added: added.length, removed: removed.length }) : t('preview.coverage_none') }),
    findingList(added, 'added'), findingList(removed, 'removed'));

  const rows = ((result.balance && result.balance.grids) || []).map((g) => el('tr', { dataset: { code: g.code } },
    el('th', { scope: 'row', textContent: label(g.code) }),
    el('td', {}, arrow(g.persons_before, g.persons_after)),
    el('td', {}, arrow(g.households_before, g.households_after)),
    el('td', {}, band(g.band_before), ' → ', band(g.band_after))));
  const balance = el('section', { className: 'pv-balance' }, el('h4', { textContent: t('preview.balance') }),
    rows.length ? el('table', {}, el('thead', {}, el('tr', {}, ...['preview.grid', 'preview.persons', 'preview.households', 'preview.band']
      .map((k) => el('th', { textContent: t(k) })))), el('tbody', {}, ...rows)) : el('p', { textContent: t('preview.balance_none') }));

  const moved = ((result.circles && result.circles.grids) || []).filter((c) => Math.abs((c.coverage_pct_after || 0) - (c.coverage_pct_before || 0)) >= 0.05);
  const circles = el('section', { className: 'pv-circles', dataset: { rows: String(moved.length) } }, el('h4', { textContent: t('preview.circles') }),
    moved.length ? el('ul', {}, ...moved.slice(0, 30).map((c) => el('li', {
      textContent: `${label(c.code)} · ${facilityName(c.facility_type)} ${c.minutes} ${t('unit.minutes')}: ${Number(c.coverage_pct_before || 0).toFixed(1)}% → ${Number(c.coverage_pct_after || 0).toFixed(1)}%`,
    }))) : el('p', { textContent: t('preview.circles_none') }));

  const lineage = el('section', { className: 'pv-lineage' }, el('h4', { textContent: t('preview.lineage') }),
    el('ul', {}, ...(result.lineage || []).filter((l) => l.from !== l.to).map((l) => el('li', {
      textContent: t('preview.lineage_row', { from: label(l.from), to: label(l.to), op: t(`op.${l.op}`), households: formatNumber(l.households) }),
    }))));
  panel.replaceChildren(coverage, balance, circles, lineage);
  panel.dataset.balanceRows = String(rows.length);
}
