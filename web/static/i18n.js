// i18n.js: the map's interface language. One catalogue per language
// (i18n/zh-CN.js, i18n/en.js: flat tables of key → text with {name}
// placeholders), zh-CN by default, English by the switch in the toolbar
// (?lang=en, remembered in localStorage).
//
// A small table rather than i18next: the map has a few hundred strings,
// no plural rules beyond what a placeholder covers, and must load with
// nothing fetched from outside; a table is one import and no vendored
// library. Switching language reloads the page, so no panel has to redraw
// its text in place.

import zhCN from './i18n/zh-CN.js';
import en from './i18n/en.js';

const catalogues = { 'zh-CN': zhCN, en };
export const LANGUAGES = Object.keys(catalogues);

function chosen() {
  const q = new URLSearchParams(window.location.search).get('lang');
  if (q && catalogues[q]) return q;
  try {
    const saved = window.localStorage.getItem('gridplan.lang');
    if (saved && catalogues[saved]) return saved;
  } catch { /* storage may be off */ }
  return 'zh-CN';
}

const current = chosen();
document.documentElement.lang = current;

export function lang() { return current; }

// t looks a key up in the current catalogue (else English, else the key
// itself, so a missing string shows rather than vanishes) and fills its
// {placeholders} from params.
export function t(key, params = {}) {
  const text = catalogues[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// has reports whether the current catalogue has key (for optional texts
// such as translated level names).
export function has(key) { return key in catalogues[current]; }

export function setLang(next) {
  if (!catalogues[next]) return;
  try { window.localStorage.setItem('gridplan.lang', next); } catch { /* ignore */ }
  const url = new URL(window.location.href);
  url.searchParams.set('lang', next);
  window.location.assign(url);
}

// levelName names a plan's level in the interface language: the plan's
// own name when it is not one of the default English ones.
export function levelName(level, name) {
  const key = `level.${name}`;
  if (name && has(key)) return t(key);
  return name || t('level.n', { n: level });
}

// formatNumber writes a count with the language's grouping.
export function formatNumber(n) {
  return Number(n).toLocaleString(current);
}
