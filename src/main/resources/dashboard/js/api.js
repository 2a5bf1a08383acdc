// The admin API as the signed-in page calls it: the session cookie goes by itself, every change carries the
// session's CSRF token. The admin token is sent once, in the sign-in form's body, and kept nowhere.

let csrf = null;
let onSignedOut = () => {};

/** An API answer that was not 2xx. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

/** Called when the server no longer knows the session (expired, signed out elsewhere). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

async function call(method, path, body, headers = {}) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json', ...headers}};
  if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    if (body instanceof URLSearchParams) {
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && path !== '/ui/session') {
      csrf = null;
      onSignedOut();
    }
    throw new ApiError(response.status, json);
  }
  return json;
}

/** The signed-in session ({actor, role, csrf}), or null. */
export async function currentSession() {
  try {
    const session = await call('GET', '/ui/session');
    csrf = session.csrf;
    return session;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 400)) return null;
    throw e;
  }
}

/** Exchanges an admin token for a session cookie; the token goes in the form body only. */
export async function signIn(token) {
  const session = await call('POST', '/ui/session', new URLSearchParams({token}));
  csrf = session.csrf;
  return session;
}

/** Ends the session on the server. */
export async function signOut() {
  try {
    await call('DELETE', '/ui/session');
  } finally {
    csrf = null;
  }
}

const base = '/admin/v1';
const enc = encodeURIComponent;

/** GET under /admin/v1. */
export const get = path => call('GET', base + path);
/** A change under /admin/v1, with a JSON body. */
export const send = (method, path, body) => call(method, base + path, body);

export const fleet = () => get('/fleet');
export const devices = (tenant, q, offset, limit) =>
  get(`/fleet/tenants/${enc(tenant)}/devices?` + new URLSearchParams({q, offset, limit}));
export const device = (tenant, id) => get(`/fleet/tenants/${enc(tenant)}/devices/${enc(id)}`);
export const target = name => get(`/fleet/targets/${enc(name)}`);
export const tenant = id => get(`/tenants/${enc(id)}`);
export const devicePath = (tenant, id) => `/tenants/${enc(tenant)}/devices/${enc(id)}`;
