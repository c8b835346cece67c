// DOM building without markup: every string becomes a text node, so user data (instance IDs, inputs,
// outputs, reasons) can never turn into elements or script. Nothing in the dashboard uses innerHTML.

/**
 * h('a', {href: '#/x', className: 'c', dataset: {id}}, 'text', child, [more]) -> element.
 * Attributes go through properties and setAttribute, never through markup; `on*` keys take functions.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'className' || name === 'textContent' || name === 'value' || name === 'checked'
             || name === 'disabled' || name === 'hidden' || name === 'selected') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A JSON value as indented text (strings as JSON strings, so that "" and null stay apart). */
export function json(value) {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** A short one-line preview of a JSON value. */
export function preview(value, max = 80) {
  if (value === undefined || value === null) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function instanceHref(id) {
  return '#/instance/' + encodeURIComponent(id);
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, 'Z');
}

export function duration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60000);
  if (m < 60) return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function statusBadge(status) {
  return h('span', { className: 'status status-' + String(status || 'Unknown').toLowerCase() }, status || '?');
}
