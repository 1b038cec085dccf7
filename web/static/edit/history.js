// history.js: the draft's history and its way out. Revisions (who, when,
// message), the selected grid's lineage, the diff against the published
// plan — the ground that moved outlined on the map, the households that
// went from grid A to grid B listed — and, for approvers, the publish
// button: disabled, with the draft's coverage errors listed, while any
// remain (GET .../audit?checks=coverage&draft=).

import { api, send } from '../api.js';
import { formatNumber, lang, t } from '../i18n.js';
import { renderProblem } from '../problems.js';
import { el } from '../ui.js';

const EMPTY = { type: 'FeatureCollection', features: [] };

export class History {
  // ctx: { map, datum, plan(), draft(), selectedCode(), mayPublish(), onPublished(res), names }
  constructor(ctx) {
    this.ctx = ctx;
    this.revisions = el('ol', { className: 'revisions' });
    this.lineage = el('ul', { className: 'lineage' });
    this.diffText = el('div', { className: 'diff-text' });
    this.errors = el('ul', { className: 'publish-errors' });
    this.problem = el('div', { className: 'problem', hidden: true });
    this.publishButton = el('button', { type: 'button', className: 'publish', textContent: t('publish.button'), disabled: true,
      onclick: () => this.publish().catch((e) => renderProblem(this.problem, e)) });
    this.diffButton = el('button', { type: 'button', className: 'diff-toggle', textContent: t('diff.show'),
      onclick: () => (this.diffOn ? this.hideDiff() : this.showDiff()).catch((e) => renderProblem(this.problem, e)) });
    this.publishBox = el('div', { className: 'publish-box' }, this.publishButton, this.errors);
    this.root = el('section', { className: 'history' },
      el('h3', { textContent: t('history.title') }), this.revisions,
      el('h4', { textContent: t('history.lineage') }), this.lineage,
      el('h4', { textContent: t('diff.title') }), this.diffButton, this.diffText,
      this.publishBox, this.problem);
    this.diffOn = false;
  }

  install(map) {
    map.addSource('diff-ground', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'diff-fill', type: 'fill', source: 'diff-ground', paint: { 'fill-color': '#ff6f00', 'fill-opacity': 0.35 } });
    map.addLayer({ id: 'diff-line', type: 'line', source: 'diff-ground', paint: { 'line-color': '#e65100', 'line-width': 2.5 } });
  }

  base() { return `/api/plans/${encodeURIComponent(this.ctx.plan().name)}`; }

  draftPath() { return `${this.base()}/drafts/${encodeURIComponent(this.ctx.draft())}`; }

  // refresh reads the revisions, lineage and publish state again.
  async refresh() {
    if (!this.ctx.draft()) return;
    const q = `?draft=${encodeURIComponent(this.ctx.draft())}`;
    const { revisions } = await api(`${this.base()}/revisions${q}`);
    const when = (s) => new Date(s).toLocaleString(lang());
    this.revisions.replaceChildren(...revisions.slice(0, 12).map((r) => el('li', { dataset: { revision: String(r.revision) } },
      el('strong', { textContent: `#${r.revision} ` }), `${r.author || ''} · ${when(r.created_at)} · `,
      el('span', { textContent: r.message || t(`revkind.${r.kind}`) }))));
    await this.refreshLineage();
    await this.refreshPublish();
    if (this.diffOn) await this.showDiff();
  }

  async refreshLineage() {
    const code = this.ctx.selectedCode();
    if (!code) {
      this.lineage.replaceChildren(el('li', { textContent: t('history.pick_grid') }));
      return;
    }
    let h;
    try {
      h = await api(`${this.base()}/grids/${encodeURIComponent(code)}/history?draft=${encodeURIComponent(this.ctx.draft())}`);
    } catch {
      h = { lineage: [] };
    }
    const rows = h.lineage.map((l) => el('li', { dataset: { op: l.op } }, t('history.lineage_row', {
      revision: l.revision, op: t(`op.${l.op}`), from: l.from, to: l.to, households: formatNumber(l.households), share: (100 * l.households_share).toFixed(0),
    })));
    this.lineage.replaceChildren(...(rows.length ? rows : [el('li', { textContent: t('history.no_lineage', { code }) })]));
  }

  // refreshPublish lists the draft's coverage errors; publish is possible
  // only without any (and only for approvers).
  async refreshPublish() {
    this.publishBox.hidden = !this.ctx.mayPublish();
    if (this.publishBox.hidden) return;
    this.publishButton.disabled = true;
    const report = await api(`${this.base()}/audit?checks=coverage&draft=${encodeURIComponent(this.ctx.draft())}`);
    const errors = (report.coverage.findings || []).filter((f) => f.severity === 'error');
    this.errors.replaceChildren(...errors.slice(0, 20).map((f) => el('li', {
      textContent: `${t(`kind.${f.kind}`)} · ${(f.grids || []).join('、')} · ${Number(f.area_m2).toFixed(1)} m²` })));
    this.publishButton.disabled = errors.length > 0;
    this.publishButton.title = errors.length ? t('publish.blocked', { n: errors.length }) : t('publish.ready');
    this.publishBox.dataset.errors = String(errors.length);
  }

  async publish() {
    const { data } = await send(`${this.draftPath()}/publish`, { message: t('publish.message', { draft: this.ctx.draft() }) });
    this.problem.hidden = true;
    this.ctx.onPublished(data);
  }

  // showDiff outlines the ground the draft moved and lists who moved.
  async showDiff() {
    const [d, fc] = await Promise.all([api(`${this.draftPath()}/diff?against=published`), api(`${this.draftPath()}/diff?against=published&f=geojson`)]);
    this.ctx.map.getSource('diff-ground').setData(this.ctx.datum.collection(fc));
    const moves = (d.residents || []).filter((m) => m.households > 0 || m.persons > 0);
    const name = (c) => (this.ctx.names.get(c) ? `${this.ctx.names.get(c)} ${c}` : c);
    this.diffText.replaceChildren(
      el('p', { textContent: t('diff.summary', { added: d.added.length, removed: d.removed.length, changed: d.changed.length, pieces: fc.features.length }) }),
      el('ul', { className: 'diff-moves' }, ...moves.slice(0, 40).map((m) => el('li', { dataset: { from: m.from, to: m.to } },
        t('diff.move', { from: name(m.from), to: name(m.to), households: formatNumber(m.households), persons: formatNumber(m.persons) })))));
    this.diffOn = true;
    this.diffButton.textContent = t('diff.hide');
    document.body.dataset.diff = String(fc.features.length);
    document.body.dataset.diffMoves = String(moves.length);
    if (fc.features.length) {
      let b = null;
      const walk = (c) => {
        if (typeof c[0] === 'number') {
          b = b ? [[Math.min(b[0][0], c[0]), Math.min(b[0][1], c[1])], [Math.max(b[1][0], c[0]), Math.max(b[1][1], c[1])]] : [[c[0], c[1]], [c[0], c[1]]];
        } else c.forEach(walk);
      };
      for (const f of this.ctx.datum.collection(fc).features) walk(f.geometry.coordinates);
      this.ctx.map.fitBounds(b, { padding: 120, maxZoom: 17, duration: 0 });
    }
  }

  async hideDiff() {
    this.ctx.map.getSource('diff-ground').setData(EMPTY);
    this.diffText.replaceChildren();
    this.diffOn = false;
    this.diffButton.textContent = t('diff.show');
    delete document.body.dataset.diff;
  }
}
