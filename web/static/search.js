// search.js: the find box. Typing the start of a grid code or name lists
// matching grids (GET /api/plans/{plan}/search?q=, coarse levels first);
// picking one shows its level, zooms to it and selects it.
//
// For tests: <body data-found> is the code of the grid last picked.

import { api } from './api.js';
import { levelName, t } from './i18n.js';
import { el } from './ui.js';

export class FindBox {
  // ctx: { plan(), view() → '&draft=D' or '', levels(), go(hit) }.
  constructor(ctx) {
    this.ctx = ctx;
    this.generation = 0;
    this.input = el('input', { type: 'search', className: 'find-input', placeholder: t('find.placeholder'),
      ariaLabel: t('find.placeholder'), autocomplete: 'off' });
    this.list = el('ul', { className: 'find-list', hidden: true, role: 'listbox' });
    this.root = el('div', { className: 'find' }, this.input, this.list);
    let timer = 0;
    this.input.oninput = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.run().catch((e) => this.show([], e)), 150);
    };
    this.input.onkeydown = (e) => {
      if (e.key === 'Enter') {
        const first = this.list.querySelector('button');
        if (first) first.click();
      } else if (e.key === 'Escape') this.list.hidden = true;
    };
  }

  async run() {
    const q = this.input.value.trim();
    const gen = ++this.generation;
    if (!q) {
      this.list.hidden = true;
      return;
    }
    const plan = encodeURIComponent(this.ctx.plan().name);
    const res = await api(`/api/plans/${plan}/search?q=${encodeURIComponent(q)}&limit=12${this.ctx.view()}`);
    if (gen === this.generation) this.show(res.grids);
  }

  show(hits, err) {
    const levels = this.ctx.levels();
    const name = (l) => {
      const x = levels.find((v) => v.level === l);
      return levelName(l, x && x.name);
    };
    const items = hits.map((h) => el('li', {}, el('button', {
      type: 'button', className: 'find-hit', dataset: { code: h.code },
      onclick: () => { this.list.hidden = true; this.input.value = h.name || h.code; this.ctx.go(h); },
    }, el('span', { className: 'find-name', textContent: h.name || h.code }),
    el('span', { className: 'find-meta', textContent: `${h.code} · ${name(h.level)}` }))));
    if (items.length === 0) items.push(el('li', { className: 'find-none', textContent: err ? String(err.message || err) : t('find.none') }));
    this.list.replaceChildren(...items);
    this.list.hidden = false;
  }
}
