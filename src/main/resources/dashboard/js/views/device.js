// One device: its sessions, its pipe's history with close codes, its recent calls by target and outcome (never
// arguments, results, tokens or endpoints: the API has none of them to give).

import * as api from '../api.js';
import {deviceButtons} from '../actions.js';
import {ago, badge, h, link, millis, replace, table} from '../dom.js';

const OUTCOME_TONES = {ok: 'ok', error: 'bad', timeout: 'bad', rejected: 'warn'};

/** Draws a device's page into `main`. */
export async function deviceView(main, session, [tenant, id]) {
  const body = h('div');
  replace(main,
    h('p', {}, h('a', {href: '#/'}, 'Fleet'), ' › ', h('a', {href: link('tenants', tenant)}, tenant), ' › ', id),
    h('h1', {}, `Device ${id}`),
    body);

  async function load() {
    const d = await api.device(tenant, id);
    replace(body,
      h('dl', {class: 'counts', id: 'device-state', 'aria-live': 'polite'},
        h('div', {}, h('dt', {}, 'Status'), h('dd', {}, badge(d.status, d.status === 'disabled' ? 'bad' : 'ok'))),
        h('div', {}, h('dt', {}, 'Online'), h('dd', {}, d.online ? 'yes' : 'no')),
        h('div', {}, h('dt', {}, 'Last seen'), h('dd', {}, ago(d.lastSeen)))),
      session.role === 'admin' ? h('div', {class: 'toolbar'}, deviceButtons(tenant, {device: id, status: d.status},
        load)) : null,
      h('section', {'aria-labelledby': 'h-sessions'}, h('h2', {id: 'h-sessions'}, 'Sessions'),
        table('Sessions', [['Node'], ['Front'], ['Since']], (d.sessions || []).map(s => h('tr', {},
          h('td', {}, s.node), h('td', {}, s.front), h('td', {}, ago(s.since)))), 'No live session.')),
      h('section', {'aria-labelledby': 'h-pipe'}, h('h2', {id: 'h-pipe'}, 'Pipe history'),
        table('Pipe history, newest first', [['At'], ['State'], ['Close code', 'num'], ['Reason']],
          (d.pipeHistory || []).map(p => h('tr', {}, h('td', {}, ago(p.at)),
            h('td', {}, badge(p.state, p.state === 'connected' ? 'ok' : 'warn')),
            h('td', {class: 'num'}, p.closeCode ?? '–'), h('td', {}, p.reason || ''))), 'No pipe.')),
      h('section', {'aria-labelledby': 'h-calls'}, h('h2', {id: 'h-calls'}, 'Recent calls'),
        table('Recent calls, newest first', [['At'], ['Target'], ['Outcome'], ['Time', 'num']],
          (d.recentCalls || []).map(c => h('tr', {}, h('td', {}, ago(c.at)),
            h('td', {}, h('a', {href: link('targets', c.target)}, c.target)),
            h('td', {}, badge(c.outcome, OUTCOME_TONES[c.outcome] || 'warn')),
            h('td', {class: 'num'}, millis(c.ms)))), 'No calls in the last 15 minutes.')));
    performance.mark('device-drawn');
  }

  await load();
  let pending = null;
  return (kind, data) => {
    if ((kind === 'registry' || kind === 'session') && data.tenant === tenant && data.device === id) {
      clearTimeout(pending);
      pending = setTimeout(() => load().catch(() => {}), 100);
    }
  };
}
