// One target: its tools, its breaker's transitions and its process's restarts; the last stderr lines come only for
// the admin role (the API leaves them out for a reader, with anything like a secret already redacted).

import * as api from '../api.js';
import {ago, badge, h, replace, table} from '../dom.js';

/** Draws a target's page into `main`. */
export async function targetView(main, session, [name]) {
  const body = h('div');
  replace(main,
    h('p', {}, h('a', {href: '#/'}, 'Fleet'), ' › ', name),
    h('h1', {}, `Target ${name}`),
    body);

  async function load() {
    const t = await api.target(name);
    const tone = t.circuit === 'closed' ? 'ok' : t.circuit === 'open' ? 'bad' : 'warn';
    replace(body,
      h('dl', {class: 'counts', 'aria-live': 'polite'},
        h('div', {}, h('dt', {}, 'Type'), h('dd', {}, t.type || '–')),
        h('div', {}, h('dt', {}, 'Circuit'), h('dd', {id: 'target-circuit'}, badge(t.circuit || 'unknown', tone))),
        h('div', {}, h('dt', {}, 'Tools'), h('dd', {}, (t.tools || []).length))),
      h('section', {'aria-labelledby': 'h-tools'}, h('h2', {id: 'h-tools'}, 'Tools'),
        (t.tools || []).length ? h('ul', {}, t.tools.map(tool => h('li', {}, h('code', {}, tool))))
          : h('p', {class: 'muted'}, 'No tools listed.')),
      h('section', {'aria-labelledby': 'h-breaker'}, h('h2', {id: 'h-breaker'}, 'Breaker transitions'),
        table('Breaker transitions, newest first', [['At'], ['Node'], ['From'], ['To']],
          (t.breaker || []).map(b => h('tr', {}, h('td', {}, ago(b.at)), h('td', {}, b.node), h('td', {}, b.from),
            h('td', {}, b.to))), 'No transition in the last 15 minutes.')),
      h('section', {'aria-labelledby': 'h-restarts'}, h('h2', {id: 'h-restarts'}, 'Restarts'),
        (t.restarts || []).length ? t.restarts.map(r => h('article', {},
          h('h3', {}, `Node ${r.node}, exit code ${r.exitCode ?? '–'}, `, ago(r.at)),
          session.role === 'admin' && r.stderr ? h('pre', {'aria-label': 'Last lines of stderr'},
            r.stderr.join('\n')) : null))
          : h('p', {class: 'muted'}, 'No restart in the last 15 minutes.')));
    performance.mark('target-drawn');
  }

  await load();
  return (kind, data) => {
    if (kind === 'fleet') {
      const now = (data.targets || []).find(t => t.target === name);
      const shown = document.querySelector('#target-circuit .badge')?.textContent;
      if (now && now.circuit !== shown) load().catch(() => {});
    }
  };
}
