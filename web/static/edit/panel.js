// panel.js (edit): the side panel's controls: the draft picker (and its
// discard button), the tools
// (which ones show depends on the role), the selection, the pending edits
// with undo, redo and commit, the preview, and a place for refusals.

import { t } from '../i18n.js';
import { el } from '../ui.js';

export function buildPanel(handlers) {
  const p = {};
  p.drafts = el('select', { className: 'draft-select', ariaLabel: t('draft.pick'), onchange: () => handlers.pickDraft(p.drafts.value) });
  p.newName = el('input', { className: 'draft-name', placeholder: t('draft.new_name'), value: handlers.suggestName() });
  p.newButton = el('button', { type: 'button', className: 'draft-create', textContent: t('draft.create'), onclick: () => handlers.createDraft(p.newName.value.trim()) });
  // Discarding takes a second click on the same button, which then asks.
  p.dropDraft = el('button', { type: 'button', className: 'draft-discard', textContent: t('draft.discard'), hidden: true, onclick: () => handlers.dropDraft() });
  p.role = el('p', { className: 'role' });
  const tool = (name, label) => el('button', { type: 'button', className: 'tool', textContent: t(label), dataset: { tool: name }, onclick: () => handlers.tool(name) });
  p.tools = el('div', { className: 'tools' },
    tool('select', 'tool.select'), tool('shape', 'tool.shape'), tool('split', 'tool.split'),
    el('button', { type: 'button', className: 'action', textContent: t('tool.merge'), dataset: { action: 'merge' }, onclick: () => handlers.merge() }),
    el('button', { type: 'button', className: 'action', textContent: t('tool.reparent'), dataset: { action: 'reparent' }, onclick: () => handlers.reparent() }),
    el('button', { type: 'button', className: 'action', textContent: t('tool.delete'), dataset: { action: 'delete' }, onclick: () => handlers.remove() }));
  p.hint = el('p', { className: 'hint' });
  p.selection = el('p', { className: 'selection' });
  p.renameInput = el('input', { className: 'rename-input', placeholder: t('tool.rename_placeholder') });
  p.renameButton = el('button', { type: 'button', className: 'action', textContent: t('tool.rename'), dataset: { action: 'rename' }, onclick: () => handlers.rename(p.renameInput.value.trim()) });
  p.choices = el('div', { className: 'choices', hidden: true });
  p.pending = el('ol', { className: 'pending' });
  p.undo = el('button', { type: 'button', className: 'undo', textContent: t('edit.undo'), onclick: () => handlers.undo() });
  p.redo = el('button', { type: 'button', className: 'redo', textContent: t('edit.redo'), onclick: () => handlers.redo() });
  p.message = el('input', { className: 'commit-message', placeholder: t('edit.message') });
  p.commit = el('button', { type: 'button', className: 'commit', textContent: t('edit.commit'), onclick: () => handlers.commit(p.message.value.trim()) });
  p.discard = el('button', { type: 'button', className: 'discard', textContent: t('edit.discard'), onclick: () => handlers.discard() });
  p.previewState = el('p', { className: 'preview-state' });
  p.preview = el('div', { className: 'preview-body' });
  p.problem = el('div', { className: 'problem', hidden: true, role: 'alert' });
  p.editTools = el('div', { className: 'edit-tools' },
    p.role, p.tools, p.hint, p.selection, el('div', { className: 'rename' }, p.renameInput, p.renameButton), p.choices,
    el('h3', { textContent: t('edit.pending') }), p.pending, el('div', { className: 'undo-redo' }, p.undo, p.redo),
    el('div', { className: 'commit-box' }, p.message, p.commit, p.discard));
  p.previewPanel = el('section', { className: 'preview-panel', hidden: true },
    el('h3', { textContent: t('preview.title') }), p.previewState, p.preview);
  p.draftBox = el('div', { className: 'drafts' }, el('h3', { textContent: t('draft.title') }), p.drafts, p.dropDraft,
    el('div', { className: 'draft-new' }, p.newName, p.newButton));
  p.root = el('div', { className: 'editor' }, p.draftBox, p.problem, p.editTools, p.previewPanel);
  return p;
}

// showChoices lists options (each { label, value }) as buttons.
export function showChoices(box, title, options, pick) {
  box.replaceChildren(el('strong', { textContent: title }), ...options.map((o) => el('button', {
    type: 'button', className: 'choice', textContent: o.label, dataset: { value: o.value }, onclick: () => { box.hidden = true; pick(o.value); },
  })), el('button', { type: 'button', className: 'choice-cancel', textContent: t('edit.cancel'), onclick: () => { box.hidden = true; } }));
  box.hidden = false;
}
