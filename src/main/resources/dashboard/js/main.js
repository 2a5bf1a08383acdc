// The dashboard's entry: checks the session, routes the hash (#/, #/tenants/t, #/tenants/t/devices/d,
// #/targets/x) to a view, and feeds the current view from the page's one event stream.

import * as api from './api.js';
import * as live from './live.js';
import {h, replace} from './dom.js';
import {signInView} from './views/signin.js';
import {fleetView} from './views/fleet.js';
import {tenantView} from './views/tenant.js';
import {deviceView} from './views/device.js';
import {targetView} from './views/target.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const nav = document.getElementById('nav');
const liveStatus = document.getElementById('live');
const signOutButton = document.getElementById('sign-out');

const ROUTES = [
  [/^\/?$/, fleetView],
  [/^\/tenants\/([^/]+)$/, tenantView],
  [/^\/tenants\/([^/]+)\/devices\/([^/]+)$/, deviceView],
  [/^\/targets\/([^/]+)$/, targetView]];
const LIVE_TEXT = {live: 'Live', reconnecting: 'Reconnecting…', offline: 'Live updates paused'};

let session = null;
let unsubscribe = () => {};
let routed = 0;

live.onStatus(state => {
  liveStatus.textContent = LIVE_TEXT[state] || '';
});
api.whenSignedOut(() => signedOut('Your session has ended; sign in again.'));

function signedIn(next) {
  session = next;
  who.textContent = `${session.actor} (${session.role})`;
  nav.hidden = false;
  signOutButton.hidden = false;
  live.connect(stillSignedIn);
  route();
}

/** Asked when the stream failed for good: whether the session still holds; if not, back to the sign-in form. */
async function stillSignedIn() {
  const current = await api.currentSession().catch(() => undefined);
  if (current === null && session) signedOut('Your session has ended; sign in again.');
  return Boolean(current);
}

function signedOut(notice) {
  session = null;
  unsubscribe();
  live.disconnect();
  who.textContent = '';
  nav.hidden = true;
  signOutButton.hidden = true;
  signInView(main, signedIn, notice);
}

async function route() {
  if (!session) return;
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  const found = ROUTES.map(([pattern, view]) => [path.match(pattern), view]).find(([match]) => match);
  unsubscribe();
  const mine = ++routed;
  if (!found) {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the fleet')));
    return;
  }
  const [match, view] = found;
  try {
    const listener = await view(main, session, match.slice(1).map(decodeURIComponent), params);
    if (mine === routed && listener) unsubscribe = live.subscribe(listener);
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) return;
    if (mine !== routed) return;
    replace(main, h('h1', {}, 'Could not load this page'), h('p', {class: 'error', role: 'alert'},
      e instanceof api.ApiError && e.status === 404 ? 'Not found on this relay.' : e.message));
  }
  if (mine === routed) document.title = `${main.querySelector('h1')?.textContent || 'Dashboard'} · Relay dashboard`;
}

window.addEventListener('hashchange', () => {
  route();
  main.focus();
});

// a page put in the back/forward cache would keep its stream, and with it one of the browser's few connections
window.addEventListener('pagehide', () => live.disconnect());
window.addEventListener('pageshow', event => {
  if (event.persisted && session) live.connect(stillSignedIn);
});

signOutButton.addEventListener('click', async () => {
  try {
    await api.signOut();
  } finally {
    signedOut('Signed out.');
  }
});

const current = await api.currentSession().catch(() => null);
if (current) signedIn(current);
else signedOut('');
