// ui.js: the map's controls outside the canvas: plan picker, level
// switcher, legend, status line and the grid popup's content. Pure DOM, no
// map logic; app.js wires these to the map.

import { LANGUAGES, lang, levelName, setLang, t } from './i18n.js';

// The grid properties the API always sends, in the order the popup lists them.
const FIXED_FIELDS = ['code', 'name', 'level', 'parent', 'kind', 'category', 'mode'];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

export function renderPlans(select, plans, current, onChange) {
  select.replaceChildren(...plans.map((p) => el('option', { value: p.name, textContent: p.title || p.name, title: p.name })));
  select.value = current;
  select.onchange = () => onChange(select.value);
}

export function renderLevels(nav, levels, current, onChange) {
  nav.replaceChildren(...levels.map((l) => el('button', {
    type: 'button',
    className: 'level',
    textContent: levelName(l.level, l.name),
    title: t('levels.show', { level: l.level, name: levelName(l.level, l.name) }),
    dataset: { level: String(l.level) },
    onclick: () => onChange(l.level),
  })));
  markLevel(nav, current);
}

export function markLevel(nav, level) {
  for (const b of nav.querySelectorAll('button')) {
    const on = b.dataset.level === String(level);
    b.classList.toggle('active', on);
    b.setAttribute('aria-pressed', String(on));
  }
}

export function renderLegend(aside, entries) {
  const items = entries.map((e) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = e.fill;
    if (e.translucent) swatch.style.opacity = '0.45';
    swatch.style.borderColor = e.line || e.fill;
    if (e.dashed) swatch.classList.add('dashed');
    return el('li', {}, swatch, el('span', { textContent: e.label }));
  });
  aside.replaceChildren(el('h2', { textContent: t('legend.title') }), el('ul', {}, ...items));
  aside.hidden = entries.length === 0;
}

export function setStatus(output, text, isError = false) {
  output.textContent = text;
  output.classList.toggle('error', isError);
}

function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// popupContent lists a grid's properties: the fixed ones first, then any
// others in name order. Values go in as text, never as HTML.
export function popupContent(feature) {
  const props = feature.properties || {};
  const extra = Object.keys(props).filter((k) => !FIXED_FIELDS.includes(k)).sort();
  const rows = [...FIXED_FIELDS, ...extra].map((k) => el('tr', { dataset: { field: k } },
    el('th', { scope: 'row', textContent: t(`field.${k}`) === `field.${k}` ? k : t(`field.${k}`) }), el('td', { textContent: show(props[k]) })));
  const title = el('h3', { textContent: props.name || props.code || t('grid.n', { id: feature.id }) });
  return el('div', { className: 'grid-popup' }, title, el('table', {}, el('tbody', {}, ...rows)));
}

// renderLanguages is the language switch: a reload in the other language.
export function renderLanguages(select) {
  select.replaceChildren(...LANGUAGES.map((l) => el('option', { value: l, textContent: t(`lang.${l}`) })));
  select.value = lang();
  select.onchange = () => setLang(select.value);
}

export { el };
