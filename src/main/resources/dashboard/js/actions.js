// The admin role's actions. Each is confirmed in a dialog and is one call of the admin API, so the audit log says
// exactly what it says for the API. A reader's page never builds these controls.

import * as api from './api.js';
import {h} from './dom.js';
import {confirmDialog, showError, showOnce} from './dialogs.js';

async function run(action, call, done) {
  try {
    const result = await call();
    await done?.(result);
    return result;
  } catch (e) {
    await showError(action, e);
    return null;
  }
}

function issued(title, answer) {
  return showOnce(title, [
    {name: 'token', label: 'Token', value: answer.token},
    {name: 'url', label: 'Client URL', value: answer.url}]);
}

/** Adds a tenant. */
export async function addTenant(changed) {
  const values = await confirmDialog({title: 'Add tenant', confirm: 'Add tenant', fields: [
    {name: 'id', label: 'Tenant id', required: true, hint: 'Letters, digits, - and _.'},
    {name: 'name', label: 'Display name'}]});
  if (!values) return;
  await run('Add tenant', () => api.send('POST', '/tenants', {id: values.id, name: values.name || undefined}),
    changed);
}

/** Adds a device to a tenant and shows its token and URL once. */
export async function addDevice(tenant, changed) {
  const values = await confirmDialog({title: `Add device to ${tenant}`, confirm: 'Add device', fields: [
    {name: 'id', label: 'Device id', required: true},
    {name: 'name', label: 'Display name'},
    {name: 'endpoint', label: 'Xiaozhi endpoint (optional)', type: 'url',
      hint: 'wss://api.xiaozhi.me/mcp/?token=…; kept encrypted, never shown again.'}]});
  if (!values) return;
  const body = {id: values.id, name: values.name || undefined, endpoint: values.endpoint || undefined};
  await run('Add device', () => api.send('POST', `/tenants/${encodeURIComponent(tenant)}/devices`, body),
    async answer => {
      await issued(`Device ${values.id} added`, answer);
      await changed?.();
    });
}

/** Rotates a device's token; the old one keeps working for the configured grace. */
export async function rotate(tenant, id, changed) {
  if (!await confirmDialog({title: `Rotate the token of ${id}?`, confirm: 'Rotate',
    message: 'A new token is issued; the current one keeps working for the rotation grace.'})) return;
  await run('Rotate', () => api.send('POST', api.devicePath(tenant, id) + '/rotate', {}), async answer => {
    await issued(`New token of ${id}`, answer);
    await changed?.();
  });
}

/** Revokes a device: its token stops working and its sessions close at once. */
export async function revoke(tenant, id, changed) {
  if (!await confirmDialog({title: `Revoke ${id}?`, danger: true, confirm: 'Revoke',
    message: 'Its token stops working, its sessions close now, and the device is disabled.'})) return;
  await run('Revoke', () => api.send('POST', api.devicePath(tenant, id) + '/revoke', {}), changed);
}

/** Disables or enables a device. */
export async function setEnabled(tenant, id, enable, changed) {
  const verb = enable ? 'Enable' : 'Disable';
  if (!await confirmDialog({title: `${verb} ${id}?`, danger: !enable, confirm: verb,
    message: enable ? 'It may connect again.' : 'It is refused at the handshake and its sessions close.'})) return;
  await run(verb, () => api.send('PATCH', api.devicePath(tenant, id), {status: enable ? 'active' : 'disabled'}),
    changed);
}

/** Sets or clears a device's Xiaozhi endpoint (write-only: the current one is never shown). */
export async function editEndpoint(tenant, id, changed) {
  const values = await confirmDialog({title: `Endpoint of ${id}`, confirm: 'Save endpoint', fields: [
    {name: 'endpoint', label: 'Xiaozhi endpoint', type: 'url',
      hint: 'Leave empty to remove it. The current endpoint is never shown.'}]});
  if (!values) return;
  await run('Edit endpoint', () => api.send('PATCH', api.devicePath(tenant, id), {endpoint: values.endpoint}),
    changed);
}

/** The action buttons of one device, each named with the device for screen readers. */
export function deviceButtons(tenant, device, changed) {
  const id = device.device;
  const disabled = device.status === 'disabled';
  const button = (text, handler, cls) => h('button', {type: 'button', class: cls, 'data-key': `${text}:${id}`,
    'aria-label': `${text} ${id}`, onclick: () => handler(tenant, id, changed)}, text);
  return [
    button('Rotate', rotate),
    button('Revoke', revoke, 'danger'),
    disabled ? button('Enable', (t, d, c) => setEnabled(t, d, true, c))
      : button('Disable', (t, d, c) => setEnabled(t, d, false, c)),
    button('Endpoint', editEndpoint)];
}
