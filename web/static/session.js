// session.js: who is signed in, and what they may do on a plan. The
// toolbar shows a login button (a small form posting /api/login, so the
// page stays in its language) or the user's name, role and a logout
// button. Roles come from GET /api/session; they only decide which tools
// the map shows — the server decides every write again.

import { api, send, setCSRF } from './api.js';
import { t } from './i18n.js';
import { renderProblem } from './problems.js';
import { el } from './ui.js';

const RANK = { viewer: 1, planner: 2, approver: 3, admin: 4 };

export class Session {
  constructor(box, onChange) {
    this.box = box;
    this.onChange = onChange;
    this.user = null;
    this.grants = [];
  }

  async load() {
    const s = await api('/api/session');
    this.user = s.user;
    this.grants = s.grants || [];
    setCSRF(s.csrf_token);
    this.render();
  }

  // role is the highest role the user holds on plan (null: none), and
  // scopes the codes it is limited to (empty: the whole plan).
  role(plan) {
    let best = null;
    for (const g of this.grants) {
      if (g.plan !== plan) continue;
      if (!best || RANK[g.role] > RANK[best]) best = g.role;
    }
    return best;
  }

  scopes(plan, role) {
    const gs = this.grants.filter((g) => g.plan === plan && RANK[g.role] >= RANK[role]);
    return gs.some((g) => !g.scope) ? [] : gs.map((g) => g.scope);
  }

  may(plan, role) { return (RANK[this.role(plan)] || 0) >= RANK[role]; }

  render() {
    if (this.user) {
      this.box.replaceChildren(
        el('span', { className: 'user', textContent: this.user, dataset: { user: this.user } }),
        el('button', { type: 'button', className: 'logout', textContent: t('session.logout'), onclick: () => this.logout() }));
      return;
    }
    const name = el('input', { name: 'name', autocomplete: 'username', placeholder: t('session.user'), required: true });
    const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', placeholder: t('session.password'), required: true });
    const problem = el('div', { className: 'problem', hidden: true });
    const form = el('form', { className: 'login-form', hidden: true },
      name, password, el('button', { type: 'submit', textContent: t('session.login') }), problem);
    form.onsubmit = async (e) => {
      e.preventDefault();
      try {
        const { data } = await send('/api/login', { name: name.value, password: password.value });
        setCSRF(data.csrf_token);
        await this.load();
        this.onChange();
      } catch (err) {
        renderProblem(problem, err);
      }
    };
    const open = el('button', { type: 'button', className: 'login-open', textContent: t('session.login'),
      onclick: () => { form.hidden = !form.hidden; if (!form.hidden) name.focus(); } });
    this.box.replaceChildren(open, form);
  }

  async logout() {
    await send('/api/logout');
    setCSRF('');
    this.user = null;
    this.grants = [];
    this.render();
    this.onChange();
  }
}
