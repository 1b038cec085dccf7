// changes.js: the edits of this session that are not committed yet. Each
// edit adds an op to one pending change set, which is previewed as a whole
// (POST .../changes?dry_run=true) after every edit, undo and redo; commit
// sends it with a message (POST .../changes), making one revision.
//
// Undo and redo move ops between the pending list and a redo stack: what
// is undone was never stored, so undo is exact, costs nothing on the
// server and uses up no grid codes. (Undoing a committed edit would need a
// change set that restores the prior state, and that is not always
// possible: a split or merge retires codes, and codes are never given
// again. Committed revisions stay in the history instead; a draft can be
// branched again from any revision.)

import { send } from '../api.js';

export class Changes {
  // ctx: { path() → the draft's changes URL, base(), setBase(v), applyShapes(map), onChange() }
  constructor(ctx) {
    this.ctx = ctx;
    this.pending = [];
    this.undone = [];
    this.generation = 0;
  }

  changeSet(message = '') {
    return { base: this.ctx.base(), message, ops: this.pending.map((e) => e.op) };
  }

  // add records an edit: { op, label, locks: [codes], before, after: Map
  // code → shape, bounds } and drops what could be redone.
  add(entry) {
    this.pending.push(entry);
    this.undone = [];
    this.ctx.onChange();
  }

  undo() {
    const e = this.pending.pop();
    if (!e) return false;
    this.undone.push(e);
    if (e.before) this.ctx.applyShapes(e.before, true);
    this.ctx.onChange();
    return true;
  }

  redo() {
    const e = this.undone.pop();
    if (!e) return false;
    this.pending.push(e);
    if (e.after) this.ctx.applyShapes(e.after, false);
    this.ctx.onChange();
    return true;
  }

  clear() {
    this.pending = [];
    this.undone = [];
    this.generation++;
    this.ctx.onChange();
  }

  locked(code) { return this.pending.some((e) => (e.locks || []).includes(code)); }

  // preview answers the server's dry run of the pending change set (null
  // when nothing is pending, or when a newer preview overtook it).
  async preview() {
    const gen = ++this.generation;
    if (this.pending.length === 0) return null;
    const { data } = await send(`${this.ctx.path()}?dry_run=true`, this.changeSet());
    return gen === this.generation ? data : undefined;
  }

  // commit stores the pending change set as one revision.
  async commit(message) {
    const entries = this.pending;
    const { data } = await send(this.ctx.path(), this.changeSet(message));
    this.ctx.setBase(data.draft_version);
    this.pending = [];
    this.undone = [];
    this.generation++;
    this.ctx.onChange();
    return { result: data, entries };
  }
}
