// A tenant's devices: search and pagination are the API's (GET /admin/v1/fleet/tenants/{t}/devices), so a page
// costs the same at 10,000 devices as at 10. Rows refresh when the stream says one of them changed.

import * as api from '../api.js';
import {addDevice, deviceButtons} from '../actions.js';
import {ago, badge, count, h, link, replace, table} from '../dom.js';

const PAGE = 50;
const SEARCH_DELAY_MS = 250;

/** Draws a tenant's page into `main`; `params` are the hash's query (q, offset). */
export async function tenantView(main, session, [tenant], params) {
  let q = params.get('q') || '';
  let offset = Math.max(0, Number(params.get('offset')) || 0);
  let shown = new Set();
  const admin = session.role === 'admin';

  const search = h('input', {type: 'search', id: 'device-search', value: q, autocomplete: 'off',
    'aria-controls': 'devices', 'aria-describedby': 'device-range'});
  const range = h('p', {id: 'device-range', role: 'status', 'aria-live': 'polite'});
  const previous = h('button', {type: 'button', id: 'page-previous', onclick: () => go(offset - PAGE)}, 'Previous');
  const next = h('button', {type: 'button', id: 'page-next', onclick: () => go(offset + PAGE)}, 'Next');
  const rows = h('div', {id: 'devices'});
  const limits = h('p', {class: 'muted', id: 'tenant-limits'});

  replace(main,
    h('p', {}, h('a', {href: '#/'}, 'Fleet'), ' › ', tenant),
    h('h1', {}, `Tenant ${tenant}`),
    limits,
    h('section', {'aria-labelledby': 'h-devices'},
      h('h2', {id: 'h-devices'}, 'Devices'),
      h('form', {class: 'toolbar', role: 'search', onsubmit: e => {
        e.preventDefault();
        go(0);
      }},
      h('div', {}, h('label', {for: 'device-search'}, 'Search devices by id or name'), search),
      admin ? h('button', {type: 'button', id: 'add-device', onclick: () => addDevice(tenant, load)}, 'Add device')
        : null),
      range,
      rows,
      h('nav', {class: 'pager', 'aria-label': 'Device pages'}, previous, next)));

  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => go(0), SEARCH_DELAY_MS);
  });

  api.tenant(tenant).then(t => {
    limits.textContent = `${t.name} · ${t.status}` + (t.limits?.maxDevices ? ` · at most ${count(t.limits.maxDevices)}`
      + ' devices' : '');
  }, () => {});

  async function go(to) {
    q = search.value.trim();
    offset = Math.max(0, to);
    const query = new URLSearchParams();
    if (q) query.set('q', q);
    if (offset) query.set('offset', offset);
    history.replaceState(null, '', link('tenants', tenant) + (query.size ? '?' + query : ''));
    await load();
  }

  async function load() {
    const page = await api.devices(tenant, q, offset, PAGE);
    if (page.total > 0 && offset >= page.total) {
      offset = Math.floor((page.total - 1) / PAGE) * PAGE;
      return load();
    }
    shown = new Set(page.devices.map(d => d.device));
    const first = page.total ? offset + 1 : 0;
    range.textContent = `Devices ${count(first)}–${count(offset + page.devices.length)} of ${count(page.total)}`
      + (q ? ` matching “${q}”` : '');
    previous.disabled = offset === 0;
    next.disabled = offset + page.devices.length >= page.total;
    replace(rows, devicesTable(tenant, page.devices, admin, load));
    performance.mark('devices-drawn');
  }

  await load();
  let pending = null;
  return (kind, data) => {
    if (kind !== 'registry' && kind !== 'session') return;
    // a registry change may add a device to this page; a session only changes a row that is shown
    if (data.tenant !== tenant || (kind === 'session' && !shown.has(data.device))) return;
    clearTimeout(pending);
    pending = setTimeout(() => load().catch(() => {}), 100);
  };
}

function devicesTable(tenant, devices, admin, changed) {
  const headers = [['Device'], ['Name'], ['Status'], ['Online'], ['Last seen'], ['Sessions'], ['Pipe'], ['Policy']];
  if (admin) headers.push(['Actions']);
  return table(`Devices of ${tenant}`, headers, devices.map(d => h('tr', {'data-device': d.device,
    'data-status': d.status, 'data-online': String(d.online)},
  h('th', {scope: 'row'}, h('a', {href: link('tenants', tenant, 'devices', d.device), 'data-key': `device:${d.device}`},
    d.device)),
  h('td', {}, d.name || ''),
  h('td', {}, badge(d.status, d.status === 'disabled' ? 'bad' : 'ok')),
  h('td', {}, d.online ? badge('online', 'ok') : h('span', {class: 'muted'}, 'offline')),
  h('td', {}, ago(d.lastSeen)),
  h('td', {}, (d.fronts || []).join(', ') || '–'),
  h('td', {}, d.pipe ? [badge(d.pipe.state, d.pipe.state === 'connected' ? 'ok' : 'warn'), ' ', ago(d.pipe.since)]
    : '–'),
  h('td', {}, policy(d.policy)),
  admin ? h('td', {class: 'actions'}, deviceButtons(tenant, d, changed)) : null)), 'No devices match.');
}

/** A device's own policy in a few words; the tenant's applies when it has none. */
export function policy(p) {
  if (!p) return h('span', {class: 'muted'}, 'tenant’s');
  const parts = [];
  const allow = [...(p.tools || p.allowTools || []), ...(p.allowTargets || [])];
  const deny = [...(p.denyTools || []), ...(p.denyTargets || [])];
  if (allow.length) parts.push('allow ' + allow.join(', '));
  if (deny.length) parts.push('deny ' + deny.join(', '));
  return parts.join('; ') || 'all';
}
