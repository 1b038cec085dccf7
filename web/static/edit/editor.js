// editor.js: editing on the map. A planner or approver picks or makes a
// draft, selects grids (click; shift-click adds) and edits them with the
// tools: drag a vertex or an edge of a grid's boundary (the neighbours
// follow), draw a split line, merge the selected grids, give a grid
// another parent, delete it (its ground to a chosen neighbour), rename
// it. Each edit joins the pending change set, which the server previews
// at once (changes.js); commit makes it a revision. Viewers and visitors
// see no tools: the side panel stays hidden.
//
// For tests: <body data-editing="off|on">, data-tool, data-selected (codes),
// data-pending (ops), data-preview="idle|loading|ready|error",
// data-committed (last revision); performance marks edit-release and
// preview-rendered, measured as "preview".

import { api, send } from '../api.js';
import { t } from '../i18n.js';
import { renderProblem } from '../problems.js';
import { Changes } from './changes.js';
import { Drag } from './drag.js';
import { bounds, clone, sharedVertexCount, union } from './geometry.js';
import { History } from './history.js';
import { drawEdit, drawSnap, installEditLayers } from './layers.js';
import { Neighbourhood } from './neighbourhood.js';
import { buildPanel, showChoices } from './panel.js';
import { renderPreview } from './preview.js';
import { SplitLine } from './splitline.js';

export class Editor {
  constructor(ctx) {
    this.ctx = ctx;
    this.id = 'editor';
    this.selection = [];
    this.tool = 'select';
    this.base = 0;
    this.drafts = []; // the plan's open drafts
    this.names = new Map();
    this.hood = new Neighbourhood({ plan: () => ctx.state.plan, viewQuery: ctx.viewQuery });
    this.changes = new Changes({
      path: () => `/api/plans/${encodeURIComponent(ctx.state.plan.name)}/drafts/${encodeURIComponent(ctx.state.draft)}/changes`,
      base: () => this.base, setBase: (v) => { this.base = v; },
      applyShapes: (shapes) => { for (const [code, coords] of shapes) this.hood.setShape(code, clone(coords)); this.redraw(); },
      onChange: () => this.pendingChanged(),
    });
    const drawCtx = { map: ctx.map, datum: ctx.datum, hood: this.hood, selected: () => this.primary(), redraw: () => this.redraw(),
      snapMark: (s) => drawSnap(ctx.map, ctx.datum, s) };
    this.drag = new Drag(drawCtx);
    this.split = new SplitLine(drawCtx);
    this.history = new History({ map: ctx.map, datum: ctx.datum, plan: () => ctx.state.plan, draft: () => ctx.state.draft,
      selectedCode: () => this.selection[0] || null, mayPublish: () => ctx.session.may(ctx.state.plan.name, 'approver'),
      onPublished: (res) => this.published(res).catch(ctx.fail), names: this.names });
    this.panel = buildPanel({
      pickDraft: (d) => this.pickDraft(d).catch((e) => this.problem(e)),
      createDraft: (name) => this.createDraft(name).catch((e) => this.problem(e)),
      dropDraft: () => this.dropDraft().catch((e) => this.problem(e)),
      suggestName: () => `map-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`,
      tool: (name) => this.setTool(name),
      merge: () => this.merge(), reparent: () => this.reparent().catch((e) => this.problem(e)),
      remove: () => this.remove(), rename: (name) => this.rename(name),
      undo: () => this.undo(), redo: () => this.redo(),
      commit: (message) => this.commit(message).catch((e) => this.problem(e)),
      discard: () => this.discard(),
    });
  }

  install(map) {
    installEditLayers(map);
    this.history.install(map);
    this.ctx.side.replaceChildren(this.panel.root, this.history.root);
    map.on('mousedown', (e) => {
      if (!this.editing() || this.tool !== 'shape' || e.originalEvent.button !== 0) return;
      if (this.drag.grab(e.point)) e.preventDefault(); // no panning while a vertex moves
    });
    map.on('mousemove', (e) => {
      if (this.drag.active) this.drag.move(e.point, e.lngLat);
      else if (this.tool === 'split') this.split.moveTo(e.point, e.lngLat);
    });
    map.on('mouseup', () => {
      if (!this.drag.active) return;
      const moved = this.drag.release();
      if (moved) {
        // The click the browser may send after this mouseup is the drag's.
        this.justDragged = true;
        setTimeout(() => { this.justDragged = false; }, 0);
        performance.mark('edit-release');
        this.addReshape(moved);
      }
    });
    map.on('dblclick', (e) => {
      if (this.tool !== 'split' || !this.editing()) return;
      e.preventDefault();
      this.finishSplit();
    });
    window.addEventListener('keydown', (e) => {
      if (!this.editing() || e.target.tagName === 'INPUT') return;
      if (e.key === 'Enter' && this.tool === 'split') this.finishSplit();
      else if (e.key === 'Escape') this.split.cancel();
      else if ((e.ctrlKey || e.metaKey) && e.key === 'z') this.undo();
      else if ((e.ctrlKey || e.metaKey) && e.key === 'y') this.redo();
    });
    this.render();
  }

  // editing: a draft is shown and the user may edit it.
  editing() { return !!this.ctx.state.draft && this.ctx.session.may(this.ctx.state.plan.name, 'planner'); }

  busy() { return !!this.drag.active; }

  primary() { return this.selection.length ? this.hood.get(this.selection[0]) : null; }

  problem(err) {
    renderProblem(this.panel.problem, err);
    document.body.dataset.problem = String(err.status || 'error');
  }

  clearProblem() {
    this.panel.problem.hidden = true;
    delete document.body.dataset.problem;
  }

  async sessionChanged() {
    await this.planChanged();
    if (!this.ctx.session.may(this.ctx.state.plan.name, 'planner') && this.ctx.state.draft) await this.ctx.showDraft(null);
  }

  // planChanged lists the plan's open drafts for the picker.
  async planChanged() {
    this.render();
    if (!this.ctx.state.plan || !this.ctx.session.may(this.ctx.state.plan.name, 'viewer')) return;
    const { drafts } = await api(`/api/plans/${encodeURIComponent(this.ctx.state.plan.name)}/drafts`);
    this.drafts = drafts.filter((d) => d.state === 'open');
    const opts = [{ value: '', label: t('draft.published') }, ...this.drafts.map((d) => ({ value: d.name, label: `${d.name} (${d.author})` }))];
    this.panel.drafts.replaceChildren(...opts.map((o) => {
      const n = document.createElement('option');
      n.value = o.value;
      n.textContent = o.label;
      return n;
    }));
    this.panel.drafts.value = this.ctx.state.draft || '';
  }

  async createDraft(name) {
    const plan = encodeURIComponent(this.ctx.state.plan.name);
    await send(`/api/plans/${plan}/drafts`, { name, from: 'published', message: t('draft.created_message') });
    await this.planChanged();
    await this.pickDraft(name);
  }

  // dropDraft discards the shown draft on a second click: the first only
  // asks, naming it; the question lapses after a few seconds.
  async dropDraft() {
    const b = this.panel.dropDraft;
    const name = this.ctx.state.draft;
    if (!name) return;
    if (b.dataset.confirm !== name) {
      b.dataset.confirm = name;
      b.textContent = t('draft.discard_confirm', { name });
      setTimeout(() => { if (b.dataset.confirm === name) this.resetDropDraft(); }, 5000);
      return;
    }
    this.resetDropDraft();
    await send(`/api/plans/${encodeURIComponent(this.ctx.state.plan.name)}/drafts/${encodeURIComponent(name)}`, undefined, 'DELETE');
    document.body.dataset.discarded = name;
    await this.planChanged();
    await this.pickDraft('');
  }

  resetDropDraft() {
    delete this.panel.dropDraft.dataset.confirm;
    this.panel.dropDraft.textContent = t('draft.discard');
  }

  async pickDraft(name) {
    this.clearProblem();
    this.resetDropDraft();
    this.panel.choices.hidden = true; // a question about the last draft's grids
    this.changes.clear();
    this.hood.clearOverrides();
    this.selection = [];
    if (name) {
      const d = await api(`/api/plans/${encodeURIComponent(this.ctx.state.plan.name)}/drafts/${encodeURIComponent(name)}`);
      this.base = d.version;
    }
    await this.ctx.showDraft(name || null);
    this.panel.drafts.value = name || '';
    this.render();
    await this.history.refresh();
  }

  levelChanged() {
    this.selection = [];
    this.split.cancel();
    this.redraw();
    this.render();
  }

  setTool(name) {
    this.tool = name;
    this.split.cancel();
    this.ctx.map.doubleClickZoom[name === 'split' ? 'disable' : 'enable']();
    this.render();
  }

  // click answers a map click while editing: selection, or a split point.
  click(e, hit) {
    if (!this.editing()) return false;
    if (this.justDragged) {
      this.justDragged = false;
      return true;
    }
    if (this.tool === 'split') {
      if (this.primary()) this.split.add(e.point, e.lngLat);
      return true;
    }
    if (!hit) {
      this.selection = [];
      this.redraw();
      this.render();
      return false;
    }
    this.select(hit, e.lngLat, e.originalEvent.shiftKey).catch((err) => this.problem(err));
    return true;
  }

  async select(hit, lngLat, add) {
    const level = this.ctx.state.level;
    const at = this.ctx.datum.fromMap([lngLat.lng, lngLat.lat]);
    let grid = this.hood.all().find((g) => g.id === hit.id && g.level === level);
    if (!grid) grid = await this.hood.locate(level, at, (g) => g.id === hit.id);
    if (!grid) return;
    await this.adopt(grid, add);
  }

  // selectCode selects a grid by its code (the find box).
  async selectCode(code, level) {
    if (!this.ctx.state.plan) return;
    const plan = encodeURIComponent(this.ctx.state.plan.name);
    const q = this.ctx.state.draft ? `?draft=${encodeURIComponent(this.ctx.state.draft)}` : '';
    const f = await api(`/api/plans/${plan}/grids/${encodeURIComponent(code)}${q}`);
    const g = f.geometry;
    await this.adopt({ id: f.id, code, name: f.properties.name, level, parent: f.properties.parent, kind: f.properties.kind,
      coords: g.type === 'Polygon' ? [g.coordinates] : g.coordinates }, false);
  }

  async adopt(grid, add) {
    if (add && this.selection.length && !this.selection.includes(grid.code)) {
      if (!this.hood.get(grid.code)) this.hood.grids.set(grid.code, grid);
      this.selection.push(grid.code);
    } else {
      await this.hood.load(grid);
      this.selection = [grid.code];
    }
    for (const g of this.hood.all()) this.names.set(g.code, g.name);
    this.panel.choices.hidden = true;
    this.clearProblem();
    this.redraw();
    this.render();
    if (this.ctx.state.draft) this.history.refreshLineage().catch(() => {});
  }

  redraw() {
    const sel = this.selection.map((c) => this.hood.get(c)).filter(Boolean);
    const primary = this.tool === 'shape' ? this.primary() : null;
    const vertices = [];
    if (primary) for (const poly of primary.coords) for (const ring of poly) vertices.push(...ring);
    const pendingCodes = new Set(this.changes.pending.flatMap((e) => [...(e.after ? e.after.keys() : []), ...(e.locks || [])]));
    drawEdit(this.ctx.map, this.ctx.datum, {
      around: this.selection.length ? this.hood.all() : [], selected: sel, vertices,
      line: this.tool === 'split' ? this.split.line() : null,
      pending: [...pendingCodes].map((c) => this.hood.get(c)).filter(Boolean),
    });
  }

  render() {
    const p = this.panel;
    const plan = this.ctx.state.plan;
    const planner = !!plan && this.ctx.session.may(plan.name, 'planner');
    this.ctx.side.hidden = !planner;
    document.body.dataset.editing = this.editing() ? 'on' : 'off';
    // Shift-click adds to the selection while editing, so shift-drag does
    // not zoom to a box then.
    this.ctx.map.boxZoom[this.editing() ? 'disable' : 'enable']();
    document.body.dataset.tool = this.tool;
    document.body.dataset.selected = this.selection.join(',');
    if (!planner) return;
    p.editTools.hidden = !this.editing();
    // Its author may discard a draft, and an approver anyone's (the server
    // decides; the button only shows where it would be allowed).
    const shown = this.drafts.find((d) => d.name === this.ctx.state.draft);
    p.dropDraft.hidden = !shown || (shown.author !== this.ctx.session.user && !this.ctx.session.may(plan.name, 'approver'));
    const role = this.ctx.session.role(plan.name);
    const scopes = this.ctx.session.scopes(plan.name, 'planner');
    p.role.textContent = t('edit.role', { user: this.ctx.session.user, role: t(`role.${role}`), scope: scopes.length ? scopes.join('、') : t('edit.whole_plan') });
    for (const b of p.tools.querySelectorAll('[data-tool]')) b.classList.toggle('active', b.dataset.tool === this.tool);
    const sel = this.selection.map((c) => this.hood.get(c)).filter(Boolean);
    p.selection.textContent = sel.length ? t('edit.selected', { grids: sel.map((g) => `${g.name} ${g.code}`).join('、') }) : t('edit.nothing_selected');
    p.hint.textContent = t(`hint.${this.tool}`);
    const one = sel.length === 1 && !this.changes.locked(sel[0].code);
    p.tools.querySelector('[data-action="merge"]').disabled = sel.length < 2 || sel.some((g) => this.changes.locked(g.code));
    p.tools.querySelector('[data-action="reparent"]').disabled = !one || sel[0].level < 2;
    p.tools.querySelector('[data-action="delete"]').disabled = !one;
    p.renameButton.disabled = !one;
    if (one && document.activeElement !== p.renameInput) p.renameInput.value = sel[0].name || '';
  }

  pendingChanged() {
    const p = this.panel;
    p.pending.replaceChildren(...this.changes.pending.map((e) => {
      const li = document.createElement('li');
      li.textContent = e.label;
      return li;
    }));
    p.undo.disabled = this.changes.pending.length === 0;
    p.redo.disabled = this.changes.undone.length === 0;
    p.commit.disabled = this.changes.pending.length === 0;
    p.discard.disabled = this.changes.pending.length === 0;
    document.body.dataset.pending = String(this.changes.pending.length);
    this.redraw();
    this.render();
  }

  // add joins an edit to the pending change set and previews the whole.
  add(entry) {
    this.clearProblem();
    this.changes.pending.push(entry); // the request first, the redraw after
    this.changes.undone = [];
    const running = this.runPreview();
    this.pendingChanged();
    return running;
  }

  async runPreview() {
    const p = this.panel;
    document.body.dataset.preview = 'loading';
    p.previewPanel.hidden = false;
    p.previewState.textContent = t('preview.loading');
    let result;
    try {
      result = await this.changes.preview();
    } catch (err) {
      if (err.status === undefined) throw err;
      p.previewState.textContent = t('preview.refused');
      p.preview.replaceChildren();
      this.problem(err);
      document.body.dataset.preview = 'error';
      this.rendered();
      return;
    }
    if (result === undefined) return; // a newer preview is on its way
    if (result === null) {
      performance.clearMarks('edit-release'); // nothing left to preview
      p.previewPanel.hidden = true;
      document.body.dataset.preview = 'idle';
      return;
    }
    p.previewState.textContent = t('preview.ops', { n: this.changes.pending.length });
    renderPreview(p.preview, result, this.names);
    document.body.dataset.preview = 'ready';
    this.rendered();
  }

  // rendered marks the preview on screen, measured from the pointer's release.
  rendered() {
    if (performance.getEntriesByName('edit-release', 'mark').length === 0) return;
    performance.mark('preview-rendered');
    performance.measure('preview', 'edit-release', 'preview-rendered');
    performance.clearMarks('edit-release');
  }

  addReshape(moved) {
    const grid = this.primary();
    const others = [...moved.after.keys()].filter((c) => c !== grid.code && this.hood.get(c) && this.hood.get(c).parent === grid.parent);
    for (const [code, coords] of moved.after) this.hood.setShape(code, coords);
    const op = { op: 'reshape', grid: grid.code, geometry: { type: 'MultiPolygon', coordinates: moved.after.get(grid.code) } };
    if (others.length) op.give_to = others;
    let b = null;
    for (const c of moved.after.values()) b = union(b, bounds(c));
    this.add({ op, label: t(moved.stretch ? 'op_label.stretch' : 'op_label.vertex', { grid: this.label(grid.code) }),
      before: moved.before, after: moved.after, bounds: b });
  }

  label(code) { return this.names.get(code) ? `${this.names.get(code)} ${code}` : code; }

  finishSplit() {
    const grid = this.primary();
    const line = this.split.finish();
    if (!grid || !line) return;
    performance.mark('edit-release');
    this.add({ op: { op: 'split', grid: grid.code, lines: [{ type: 'LineString', coordinates: line }] },
      label: t('op_label.split', { grid: this.label(grid.code) }), locks: [grid.code], bounds: bounds(grid.coords) });
  }

  merge() {
    const sel = this.selection.map((c) => this.hood.get(c)).filter(Boolean);
    if (sel.length < 2) return;
    performance.mark('edit-release');
    let b = null;
    for (const g of sel) b = union(b, bounds(g.coords));
    this.add({ op: { op: 'merge', grids: sel.map((g) => g.code), keep: sel[0].code },
      label: t('op_label.merge', { grids: sel.map((g) => this.label(g.code)).join('、') }), locks: sel.map((g) => g.code), bounds: b });
  }

  // reparent offers the grids of the level above around the grid.
  async reparent() {
    const g = this.primary();
    if (!g) return;
    const parents = await this.hood.fetchBox(g.level - 1, bounds(g.coords));
    const options = parents.filter((x) => x.code !== g.parent && x.kind === g.kind).map((x) => ({ value: x.code, label: `${x.name} ${x.code}` }));
    for (const x of parents) this.names.set(x.code, x.name);
    if (options.length === 0) {
      showChoices(this.panel.choices, t('tool.reparent_none'), [], () => {});
      return;
    }
    showChoices(this.panel.choices, t('tool.reparent_to', { grid: this.label(g.code) }), options, (parent) => {
      performance.mark('edit-release');
      this.add({ op: { op: 'reparent', grid: g.code, parent }, label: t('op_label.reparent', { grid: this.label(g.code), parent: this.label(parent) }),
        locks: [g.code], bounds: bounds(g.coords) });
    });
  }

  // remove offers the neighbours that share a boundary with the grid.
  remove() {
    const g = this.primary();
    if (!g) return;
    const options = this.hood.all().filter((x) => x.code !== g.code && x.parent === g.parent && sharedVertexCount(g.coords, x.coords) >= 2)
      .map((x) => ({ value: x.code, label: `${x.name} ${x.code}` }));
    showChoices(this.panel.choices, t('tool.delete_to', { grid: this.label(g.code) }), options, (to) => {
      performance.mark('edit-release');
      this.add({ op: { op: 'delete', grid: g.code, give_to: to }, label: t('op_label.delete', { grid: this.label(g.code), to: this.label(to) }),
        locks: [g.code, to], bounds: bounds(g.coords) });
    });
  }

  rename(name) {
    const g = this.primary();
    if (!g || !name || name === g.name) return;
    performance.mark('edit-release');
    this.add({ op: { op: 'rename', grid: g.code, name }, label: t('op_label.rename', { grid: this.label(g.code), name }), bounds: bounds(g.coords) });
  }

  undo() {
    if (!this.changes.undo()) return;
    performance.mark('edit-release');
    this.runPreview();
  }

  redo() {
    if (!this.changes.redo()) return;
    performance.mark('edit-release');
    this.runPreview();
  }

  discard() {
    for (const e of [...this.changes.pending].reverse()) if (e.before) for (const [c, coords] of e.before) this.hood.setShape(c, clone(coords));
    this.changes.clear();
    this.hood.clearOverrides();
    this.panel.previewPanel.hidden = true;
    document.body.dataset.preview = 'idle';
  }

  // commit stores the pending edits as one revision and shows the result:
  // the tiles under the touched ground are fetched again.
  async commit(message) {
    if (!message) message = t('edit.default_message', { n: this.changes.pending.length });
    const { result, entries } = await this.changes.commit(message);
    let b = null;
    for (const e of entries) if (e.bounds) b = union(b, e.bounds);
    this.hood.clearOverrides();
    this.selection = [];
    this.panel.choices.hidden = true;
    this.panel.message.value = '';
    this.panel.previewPanel.hidden = true;
    document.body.dataset.preview = 'idle';
    document.body.dataset.committed = String(result.revision);
    const drawn = b && [this.ctx.datum.toMap(b[0]), this.ctx.datum.toMap(b[1])];
    await this.ctx.refreshTouched(drawn);
    this.redraw();
    this.render();
    await this.history.refresh();
  }

  async published(res) {
    document.body.dataset.published = String(res.revision);
    await this.planChanged();
    await this.pickDraft('');
  }
}
