// problems.js: why the server refused something, in the interface
// language. The server's problem details are precise English sentences
// (403 naming the grid outside the caller's scope, 422 naming the op and
// the grid); this picks the kind of refusal by status and the codes it
// names, says it in the catalogue's words and keeps the server's sentence
// beside it for the record.

import { t } from './i18n.js';

const CODE = /\b\d{6,19}\b/g;

export function explain(err) {
  if (!err || err.status === undefined) return { text: t('problem.other', { detail: (err && err.message) || String(err) }), detail: '' };
  const detail = err.detail || '';
  // A scope refusal names the grid first ("grid X lies outside the scope
  // of ..."), then the scopes held; only the grid is the answer.
  const outside = detail.match(/grid (\S+) lies outside the scope/);
  const grids = outside ? outside[1] : [...new Set(detail.match(CODE) || [])].join('、');
  const key = {
    400: 'problem.400', 401: 'problem.401', 403: grids ? 'problem.403.grid' : 'problem.403',
    404: 'problem.404', 409: 'problem.409', 412: 'problem.412', 422: grids ? 'problem.422.grid' : 'problem.422', 429: 'problem.429',
  }[err.status] || (err.status >= 500 ? 'problem.500' : 'problem.other');
  return { text: t(key, { grids, detail }), detail, status: err.status };
}

// render fills el with the explanation and the server's own words.
export function renderProblem(el, err) {
  const { text, detail, status } = explain(err);
  el.replaceChildren();
  const p = document.createElement('p');
  p.className = 'problem-text';
  p.textContent = text;
  el.append(p);
  if (detail) {
    const small = document.createElement('small');
    small.className = 'problem-detail';
    small.textContent = `${t('problem.server_said')} ${detail}`;
    el.append(small);
  }
  el.dataset.status = String(status || '');
  el.hidden = false;
}
