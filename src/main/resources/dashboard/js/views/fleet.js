// Fleet at a glance: nodes, sessions by tenant and front, pipes by state (longest down first), targets with their
// last 15 minutes, and rejections. Drawn from GET /admin/v1/fleet, then from each `fleet` event of the stream.

import * as api from '../api.js';
import {addTenant} from '../actions.js';
import {ago, badge, count, decimal, h, link, millis, percent, replace, table} from '../dom.js';
import {spark} from '../spark.js';

const FRONTS = ['websocket', 'pipe', 'http', 'sse'];
const FRONT_NAMES = {websocket: 'WebSocket', pipe: 'Pipe', http: 'HTTP', sse: 'SSE'};
const PIPE_STATES = ['connected', 'connecting', 'backoff', 'unauthorized'];

/** Each part of the view: what it is drawn from (redrawn only when that changed), and how. */
const PARTS = {
  summary: [f => [f.nodes, f.pipes, f.rejections], f => summaryCounts(f)],
  nodes: [f => f.nodes, f => nodesTable(f.nodes || [])],
  tenants: [f => f.tenants, f => tenantsTable(f.tenants || [])],
  pipes: [f => [f.pipes, f.at], f => pipesPart(f.pipes || {})],
  targets: [f => f.targets, f => targetsTable(f.targets || [])],
  rejections: [f => f.rejections, f => rejectionsPart(f.rejections || {})]};

/** Draws the fleet view into `main`; returns the listener for the stream's events. */
export async function fleetView(main, session) {
  const summary = h('dl', {class: 'counts', id: 'fleet-summary', 'aria-live': 'polite'});
  const sections = {
    nodes: h('div'), tenants: h('div'), pipes: h('div'), targets: h('div'), rejections: h('div')};
  const at = h('p', {class: 'muted', id: 'fleet-at'});
  replace(main,
    h('h1', {}, 'Fleet'),
    at,
    h('section', {'aria-labelledby': 'h-summary'}, h('h2', {id: 'h-summary'}, 'Now'), summary),
    h('section', {'aria-labelledby': 'h-nodes'}, h('h2', {id: 'h-nodes'}, 'Nodes'), sections.nodes),
    h('section', {'aria-labelledby': 'h-tenants'}, h('h2', {id: 'h-tenants'}, 'Sessions by tenant'),
      session.role === 'admin' ? h('div', {class: 'toolbar'}, h('button', {type: 'button', id: 'add-tenant',
        onclick: () => addTenant(refresh)}, 'Add tenant')) : null,
      sections.tenants),
    h('section', {'aria-labelledby': 'h-pipes'}, h('h2', {id: 'h-pipes'}, 'Outbound pipes'), sections.pipes),
    h('section', {'aria-labelledby': 'h-targets'}, h('h2', {id: 'h-targets'}, 'Targets'), sections.targets),
    h('section', {'aria-labelledby': 'h-rejections'}, h('h2', {id: 'h-rejections'},
      'Rejections, last 15 minutes'), sections.rejections));

  const containers = {summary, ...sections};
  const drawn = {};
  function draw(fleet) {
    at.textContent = `As of ${new Date(fleet.at).toLocaleTimeString()}`;
    for (const [name, [source, build]] of Object.entries(PARTS)) {
      const json = JSON.stringify(source(fleet));
      if (drawn[name] === json) continue;
      drawn[name] = json;
      replace(containers[name], build(fleet));
    }
    performance.mark('fleet-drawn');
  }

  async function refresh() {
    draw(await api.fleet());
  }

  await refresh();
  return (kind, data) => {
    if (kind === 'fleet') draw(data);
  };
}

function summaryCounts(fleet) {
  const sum = front => (fleet.nodes || []).reduce((n, node) => n + (node.sessions?.[front] || 0), 0);
  const item = (id, label, value) => h('div', {}, h('dt', {}, label), h('dd', {id}, count(value)));
  const pipes = fleet.pipes || {};
  return [
    item('count-nodes-ready', 'Nodes ready', (fleet.nodes || []).filter(n => n.ready).length),
    item('count-sessions', 'Sessions', FRONTS.reduce((n, front) => n + sum(front), 0)),
    ...PIPE_STATES.map(state => item(`count-pipes-${state}`, `Pipes ${state}`, pipes[state] || 0)),
    item('count-rate-limited', 'Rate-limited', fleet.rejections?.rateLimited || 0),
    item('count-auth-failures', 'Auth failures', fleet.rejections?.authFailures || 0)];
}

function frontCells(sessions) {
  return FRONTS.map(front => h('td', {class: 'num'}, count(sessions?.[front] || 0)));
}

const frontHeaders = FRONTS.map(front => [FRONT_NAMES[front], 'num']);

function nodesTable(nodes) {
  return table('Nodes', [['Node'], ['Readiness'], ...frontHeaders], nodes.map(node => h('tr', {},
    h('th', {scope: 'row'}, node.node),
    h('td', {}, node.draining ? badge('draining', 'warn') : node.ready ? badge('ready', 'ok') : badge('not ready',
      'bad')),
    frontCells(node.sessions))));
}

function tenantsTable(tenants) {
  return table('Sessions by tenant', [['Tenant'], ['Devices', 'num'], ...frontHeaders],
    tenants.map(t => h('tr', {'data-tenant': t.tenant},
      h('th', {scope: 'row'}, h('a', {href: link('tenants', t.tenant), 'data-key': `tenant:${t.tenant}`}, t.tenant)),
      h('td', {class: 'num'}, count(t.devices), t.maxDevices ? h('span', {class: 'muted'}, ` / ${count(t.maxDevices)}`)
        : null),
      frontCells(t.sessions))), 'No tenants.');
}

function pipesPart(pipes) {
  const rows = (pipes.longestDown || []).map(p => h('tr', {},
    h('td', {}, h('a', {href: link('tenants', p.tenant, 'devices', p.device)}, `${p.tenant}/${p.device}`)),
    h('td', {}, p.node),
    h('td', {}, badge(p.state, p.state === 'unauthorized' ? 'bad' : 'warn')),
    h('td', {}, ago(p.since)),
    h('td', {class: 'num'}, p.lastCloseCode ?? '–')));
  return [
    h('p', {}, PIPE_STATES.map(state => `${state}: ${count(pipes[state] || 0)}`).join(' · ')),
    h('h3', {class: 'visually-hidden'}, 'Longest down'),
    table('Pipes down, longest first', [['Device'], ['Node'], ['State'], ['Down since'], ['Last close code', 'num']],
      rows, 'Every pipe is connected.')];
}

const failing = t => t.circuit && t.circuit !== 'closed';

function targetsTable(targets) {
  return table('Targets', [['Target'], ['Circuit'], ['Tools', 'num'], ['Calls/s', 'num'], ['Errors', 'num'],
    ['p50', 'num'], ['p99', 'num'], ['Calls · errors · p99, 15 min']],
  targets.map(t => h('tr', {class: failing(t) ? 'failing' : '', 'data-target': t.target, 'data-circuit': t.circuit},
    h('th', {scope: 'row'}, h('a', {href: link('targets', t.target), 'data-key': `target:${t.target}`}, t.target)),
    h('td', {}, badge(t.circuit || 'unknown', t.circuit === 'closed' ? 'ok' : t.circuit === 'open' ? 'bad' : 'warn')),
    h('td', {class: 'num'}, count(t.tools)),
    h('td', {class: 'num'}, decimal(t.callsPerSecond)),
    h('td', {class: 'num'}, percent(t.errorRate)),
    h('td', {class: 'num'}, millis(t.p50Ms)),
    h('td', {class: 'num'}, millis(t.p99Ms)),
    h('td', {},
      spark(t.series?.calls, `calls of ${t.target}`, {unit: v => `${count(v)} calls`}), ' ',
      spark(t.series?.errors, `errors of ${t.target}`, {unit: v => `${count(v)} errors`, tone: 'errors'}), ' ',
      spark(t.series?.p99Ms, `p99 of ${t.target}`, {unit: millis})))), 'No targets.');
}

function rejectionsPart(rejections) {
  const series = rejections.series || {};
  return h('dl', {class: 'counts'},
    h('div', {}, h('dt', {}, 'Rate-limited'), h('dd', {}, count(rejections.rateLimited || 0), ' ',
      spark(series.rateLimited, 'rate-limited calls', {unit: count, tone: 'errors'}))),
    h('div', {}, h('dt', {}, 'Auth failures'), h('dd', {}, count(rejections.authFailures || 0), ' ',
      spark(series.authFailures, 'auth failures', {unit: count, tone: 'errors'}))));
}
