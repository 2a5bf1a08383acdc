// Confirmations and forms in a modal <dialog>: focus moves in and is trapped by the browser, Escape cancels, and
// the focus returns to the control that opened it.

import {h} from './dom.js';

/**
 * Asks for confirmation, optionally with form fields ({name, label, type, value, required}); resolves to the
 * fields' values, or null when cancelled.
 */
export function confirmDialog({title, message, fields = [], confirm = 'Confirm', danger = false}) {
  return new Promise(resolve => {
    const opener = document.activeElement;
    const inputs = fields.map(f => h('input', {id: `field-${f.name}`, name: f.name, type: f.type || 'text',
      value: f.value ?? '', required: f.required, autocomplete: 'off', spellcheck: 'false'}));
    const form = h('form', {method: 'dialog'},
      h('h2', {id: 'dialog-title'}, title),
      message ? h('p', {}, message) : null,
      fields.map((f, i) => h('div', {class: 'field'}, h('label', {for: `field-${f.name}`}, f.label), inputs[i],
        f.hint ? h('p', {class: 'muted'}, f.hint) : null)),
      h('div', {class: 'buttons'},
        h('button', {type: 'button', value: 'cancel', onclick: () => dialog.close('cancel')}, 'Cancel'),
        h('button', {type: 'submit', value: 'ok', class: danger ? 'primary danger' : 'primary'}, confirm)));
    const dialog = h('dialog', {'aria-labelledby': 'dialog-title'}, form);
    dialog.addEventListener('close', () => {
      const values = Object.fromEntries(inputs.map(input => [input.name, input.value.trim()]));
      dialog.remove();
      opener?.focus?.();
      resolve(dialog.returnValue === 'ok' ? values : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (inputs[0] || form.querySelector('button[type=submit]')).focus();
  });
}

/** Shows a device's new token and client URL once, each with a copy button; nothing of it stays in the page. */
export function showOnce(title, secrets) {
  return new Promise(resolve => {
    const opener = document.activeElement;
    const status = h('p', {role: 'status', 'aria-live': 'polite', class: 'muted'});
    const rows = secrets.map(({name, label, value}) => {
      const input = h('input', {id: `once-${name}`, type: 'text', readonly: true, value, spellcheck: 'false'});
      const copy = h('button', {type: 'button', onclick: () => copyText(input, label, status)}, `Copy ${label}`);
      return h('div', {class: 'field'}, h('label', {for: `once-${name}`}, label), input, ' ', copy);
    });
    const dialog = h('dialog', {'aria-labelledby': 'once-title'},
      h('h2', {id: 'once-title'}, title),
      h('p', {}, 'Shown this once: copy it now. The relay keeps only its hash.'),
      rows, status,
      h('div', {class: 'buttons'}, h('button', {type: 'button', class: 'primary', onclick: () => dialog.close()},
        'Done')));
    dialog.addEventListener('close', () => {
      dialog.remove();
      opener?.focus?.();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('button').focus();
  });
}

async function copyText(input, label, status) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand('copy');
  }
  status.textContent = `${label} copied.`;
}

/** Tells the user an action failed, in an alert dialog. */
export function showError(action, error) {
  return confirmDialog({title: `${action} failed`, message: error.message, confirm: 'Close'});
}
