// The sign-in form: the admin token goes once, in a POST body, to /ui/session, and is cleared from the field
// whatever the answer; the page keeps only the session's CSRF token, in memory.

import * as api from '../api.js';
import {h, replace} from '../dom.js';

/** Draws the sign-in form; `signedIn` is called with the new session. */
export function signInView(main, signedIn, notice = '') {
  const input = h('input', {type: 'password', id: 'token', name: 'token', required: true, autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'token-help sign-in-error'});
  const error = h('p', {class: 'error', id: 'sign-in-error', role: 'alert'}, notice);
  const button = h('button', {type: 'submit', class: 'primary', id: 'sign-in'}, 'Sign in');
  const form = h('form', {method: 'post', action: '/ui/session', onsubmit: async e => {
    e.preventDefault();
    const token = input.value.trim();
    input.value = '';
    button.disabled = true;
    try {
      signedIn(await api.signIn(token));
    } catch (failure) {
      error.textContent = failure.status === 429 ? 'Too many failed tokens from here; try again later.'
        : failure.status === 401 ? 'That token is not an admin token of this relay.' : failure.message;
      input.focus();
    } finally {
      button.disabled = false;
    }
  }},
  h('div', {class: 'field'}, h('label', {for: 'token'}, 'Admin token'), input),
  h('p', {class: 'muted', id: 'token-help'}, 'An admin or reader token of admin.tokens; a reader sees everything and '
    + 'changes nothing. It is exchanged for a session cookie and kept nowhere in the page.'),
  error, button);
  replace(main, h('div', {class: 'signin'}, h('h1', {}, 'Sign in to the relay dashboard'), form));
  input.focus();
}
