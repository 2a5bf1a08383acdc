// Small DOM helpers: elements are built with text nodes only, so nothing from the API is ever parsed as HTML.

/** h('a', {href: '#/'}, 'Fleet'): an element with attributes (on* keys become listeners) and children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children, putting the keyboard focus back on the element with the same data-key. */
export function replace(container, ...children) {
  const focused = document.activeElement;
  const key = focused && container.contains(focused) ? focused.dataset.key : undefined;
  container.replaceChildren();
  append(container, children);
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** A table with a caption (its accessible name) and one header row; rows are <tr> elements. */
export function table(caption, headers, rows, empty = 'None.') {
  return h('table', {},
    h('caption', {class: 'visually-hidden'}, caption),
    h('thead', {}, h('tr', {}, headers.map(([text, cls]) => h('th', {scope: 'col', class: cls}, text)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: headers.length, class: 'muted'}, empty))));
}

const numbers = new Intl.NumberFormat('en');
const decimals = new Intl.NumberFormat('en', {maximumFractionDigits: 1});

/** 10000 → "10,000". */
export const count = n => (n === undefined || n === null ? '–' : numbers.format(n));
/** 3.14159 → "3.1". */
export const decimal = n => (n === undefined || n === null ? '–' : decimals.format(n));
/** 0.021 → "2.1 %". */
export const percent = r => (r === undefined || r === null ? '–' : decimals.format(r * 100) + ' %');
/** 3.2 → "3.2 ms". */
export const millis = n => (n === undefined || n === null ? '–' : decimals.format(n) + ' ms');

/** A <time> saying how long ago an epoch-millisecond instant was, the instant itself as its title. */
export function ago(ms) {
  if (ms === undefined || ms === null) return h('span', {class: 'muted'}, 'never');
  const iso = new Date(ms).toISOString();
  return h('time', {datetime: iso, title: iso}, duration(Date.now() - ms) + ' ago');
}

/** 125000 → "2 min 5 s". */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** A coloured state badge that also says its state in words. */
export function badge(text, tone) {
  return h('span', {class: `badge ${tone}`}, text);
}

/** "#/tenants/acme" for ['tenants', 'acme'], each part encoded. */
export const link = (...parts) => '#/' + parts.map(encodeURIComponent).join('/');
