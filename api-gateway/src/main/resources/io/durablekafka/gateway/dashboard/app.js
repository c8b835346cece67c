// The dashboard's views, one per hash route: #/instances, #/instance/<id>, #/start, #/entities.
// Everything shown comes from the public HTTP API (api.js) and is built with text nodes (dom.js).

import { ApiError, call, events, page, seg, session } from './api.js';
import { duration, fill, h, instanceHref, json, preview, statusBadge, time } from './dom.js';
import { timeline } from './timeline.js';

const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated', 'ContinuedAsNew', 'Canceled'];
const TERMINAL = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);
const view = document.getElementById('view');
const banner = document.getElementById('banner');

let registry = { taskHubs: [], orchestrations: [], entities: [] };
/** Cleanup of the current view (open event streams, timers), run before the next one renders. */
let teardown = [];

// ------------------------------------------------------------------------------------------ shell

function showError(e) {
  const text = e instanceof ApiError
    ? (e.status === 401 ? 'This gateway needs a system key for this task hub: enter it above. ' : '')
      + `${e.status} ${e.error || ''}: ${e.message}`
    : String(e && e.message ? e.message : e);
  fill(banner, text);
  banner.hidden = false;
}

function clearError() {
  banner.hidden = true;
}

async function loadRegistry() {
  try {
    registry = (await call('GET', 'registry')).body;
    clearError();
  } catch (e) {
    showError(e);
  }
  const select = document.getElementById('hub');
  // Unknown hubs (no key yet): one entry for whatever hub the requests go to now.
  const hubs = registry.taskHubs.length ? registry.taskHubs : [session.hub];
  fill(select, hubs.map(name => h('option', { value: name, selected: name === (session.hub || registry.taskHub) },
    name || '(default)')));
}

document.getElementById('hub').addEventListener('change', e => {
  session.hub = e.target.value;
  route();
});

document.getElementById('key-form').addEventListener('submit', e => {
  e.preventDefault();
  session.key = document.getElementById('key').value;
  loadRegistry().then(route);
});
document.getElementById('key').value = session.key;

/** A confirmation dialog with optional fields; resolves to the fields' values, or null when cancelled. */
function confirmDialog(title, text, fields = [], confirmLabel = 'Confirm') {
  const dialog = document.getElementById('dialog');
  fill(document.getElementById('dialog-title'), title);
  fill(document.getElementById('dialog-text'), text);
  fill(document.getElementById('dialog-error'));
  const inputs = {};
  fill(document.getElementById('dialog-fields'), fields.map(f => {
    const input = f.type === 'textarea'
      ? h('textarea', { name: f.name, rows: 4, value: f.value || '' })
      : h('input', { name: f.name, type: f.type || 'text', value: f.value || '', checked: f.checked });
    inputs[f.name] = input;
    return h('label', { className: 'field' }, f.label, input);
  }));
  document.getElementById('dialog-confirm').textContent = confirmLabel;
  return new Promise(resolve => {
    const form = document.getElementById('dialog-form');
    const cancel = document.getElementById('dialog-cancel');
    const done = result => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(result);
    };
    const onSubmit = e => {
      e.preventDefault();
      const values = {};
      for (const [name, input] of Object.entries(inputs)) values[name] = input.type === 'checkbox' ? input.checked : input.value;
      for (const f of fields) {
        if (f.json && values[f.name].trim() !== '') {
          try { JSON.parse(values[f.name]); } catch (err) {
            fill(document.getElementById('dialog-error'), `${f.label} is not valid JSON: ${err.message}`);
            return;
          }
        }
      }
      done(values);
    };
    const onCancel = () => done(null);
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
  });
}

function route() {
  teardown.forEach(f => f());
  teardown = [];
  clearError();
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, ...rest] = hash.split('/');
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.id === 'nav-' + (name === 'instance' ? 'instances' : name || 'instances'));
  if (name === 'instance' && rest.length) return instanceView(decodeURIComponent(rest.join('/')));
  if (name === 'start') return startView();
  if (name === 'entities') return entitiesView();
  return instancesView();
}

window.addEventListener('hashchange', route);

// ------------------------------------------------------------------------------------------ instances

/** Filters survive navigation to an instance and back. */
const filters = { statuses: [], name: '', from: '', to: '', prefix: '', top: 50 };

function serverQuery() {
  return {
    runtimeStatus: filters.statuses,
    instanceIdPrefix: filters.prefix,
    createdTimeFrom: filters.from ? new Date(filters.from + 'Z').toISOString() : '',
    createdTimeTo: filters.to ? new Date(filters.to + 'Z').toISOString() : '',
  };
}

function instancesView() {
  const counts = h('div', { className: 'counts', id: 'counts' });
  const form = h('form', { className: 'filters', id: 'filters' },
    h('fieldset', {}, h('legend', {}, 'Runtime status'),
      STATUSES.map(s => h('label', {}, h('input', { type: 'checkbox', name: 'status', value: s,
        checked: filters.statuses.includes(s) }), s))),
    h('label', {}, 'Name', h('input', { name: 'name', value: filters.name, placeholder: 'within the page' })),
    h('label', {}, 'Instance ID prefix', h('input', { name: 'prefix', value: filters.prefix })),
    h('label', {}, 'Created from (UTC)', h('input', { name: 'from', type: 'datetime-local', step: 1, value: filters.from })),
    h('label', {}, 'Created to (UTC)', h('input', { name: 'to', type: 'datetime-local', step: 1, value: filters.to })),
    h('label', {}, 'Page size', h('input', { name: 'top', type: 'number', min: 1, max: 1000, value: filters.top })),
    h('button', { type: 'submit' }, 'Apply'));
  const table = h('table', { className: 'list', id: 'instances' });
  const pager = h('div', { className: 'pager' });
  const live = h('span', { className: 'live', id: 'live' }, 'connecting…');
  fill(view,
    h('h1', {}, 'Instances ', live),
    counts, form,
    h('p', { className: 'muted' }, 'The API pages in instance ID order; a click on a column header sorts the rows '
      + 'of this page. The name filter also applies within the page (the API has none).'),
    table, pager);

  let tokens = [null];      // tokens[i]: the token that fetched page i
  let pageIndex = 0;
  let rows = [];            // the statuses on this page
  let sort = { key: null, dir: 1 };

  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = new FormData(form);
    filters.statuses = data.getAll('status');
    filters.name = data.get('name').trim();
    filters.prefix = data.get('prefix').trim();
    filters.from = data.get('from');
    filters.to = data.get('to');
    filters.top = Math.max(1, Math.min(1000, Number(data.get('top')) || 50));
    tokens = [null];
    pageIndex = 0;
    openStream();
    load();
    loadCounts();
  });

  let loads = 0;
  async function load() {
    const mine = ++loads;
    try {
      const p = await page('instances', { ...serverQuery(), top: filters.top, showInput: false }, tokens[pageIndex]);
      if (mine !== loads) return; // a later load is under way: its answer is at least as new
      // An event can overtake the answer of a list read before it: keep the event's status when it is at
      // least as new (lists have seconds, event IDs milliseconds).
      rows = p.items.map(r => {
        const e = latest.get(r.instanceId);
        return e && e.at >= Date.parse(r.lastUpdatedTime) ? e.status : r;
      });
      tokens[pageIndex + 1] = p.token;
      tokens.length = pageIndex + 2;
      render();
    } catch (e) {
      showError(e);
    }
  }

  const columns = [
    ['instanceId', 'Instance ID'], ['name', 'Name'], ['runtimeStatus', 'Status'], ['createdTime', 'Created'],
    ['lastUpdatedTime', 'Last updated'], ['customStatus', 'Custom status'], ['output', 'Output'],
  ];

  function render() {
    let shown = filters.name ? rows.filter(r => (r.name || '').toLowerCase().includes(filters.name.toLowerCase())) : rows;
    if (sort.key) {
      const k = sort.key;
      shown = [...shown].sort((a, b) => sort.dir * String(preview(a[k], 1e6)).localeCompare(String(preview(b[k], 1e6))));
    }
    fill(table,
      h('thead', {}, h('tr', {}, columns.map(([key, label]) => h('th', {
        className: 'sortable', dataset: { key },
        onclick: () => { sort = { key, dir: sort.key === key ? -sort.dir : 1 }; render(); },
      }, label, sort.key === key ? (sort.dir > 0 ? ' ▲' : ' ▼') : '')))),
      h('tbody', {}, shown.length ? shown.map(instanceRow)
        : h('tr', {}, h('td', { colspan: columns.length, className: 'muted' }, 'No instances on this page.'))));
    fill(pager,
      h('button', { id: 'prev-page', disabled: pageIndex === 0, onclick: () => { pageIndex--; load(); } }, '← Previous'),
      h('span', {}, ` page ${pageIndex + 1} `),
      h('button', { id: 'next-page', disabled: !tokens[pageIndex + 1], onclick: () => { pageIndex++; load(); } }, 'Next →'));
  }

  function instanceRow(s) {
    return h('tr', { dataset: { instanceId: s.instanceId, status: s.runtimeStatus } },
      h('td', {}, h('a', { href: instanceHref(s.instanceId), className: 'instance-link' }, s.instanceId)),
      h('td', {}, s.name),
      h('td', {}, statusBadge(s.runtimeStatus)),
      h('td', {}, time(s.createdTime)),
      h('td', {}, time(s.lastUpdatedTime)),
      h('td', { className: 'mono' }, preview(s.customStatus, 40)),
      h('td', { className: 'mono' }, preview(s.output, 60)));
  }

  // Counts per status: one page of up to 1000 per status (the status index makes each a seek); more shows
  // as "1000+". Refreshed on stream events at most once a second.
  let countsTimer = null;
  async function loadCounts() {
    const q = { ...serverQuery(), runtimeStatus: undefined, top: 1000, showInput: false };
    const results = await Promise.all(STATUSES.map(async status => {
      try {
        const p = await page('instances', { ...q, runtimeStatus: status });
        return [status, p.items.length + (p.token ? '+' : '')];
      } catch (e) {
        return [status, '?'];
      }
    }));
    fill(counts, results.map(([status, n]) => h('button', {
      type: 'button', className: 'count', dataset: { status },
      onclick: () => {
        filters.statuses = [status];
        for (const box of form.querySelectorAll('input[name=status]')) box.checked = box.value === status;
        form.requestSubmit();
      },
    }, statusBadge(status), h('span', { className: 'n' }, n))));
  }
  function countsSoon() {
    if (countsTimer) return;
    countsTimer = setTimeout(() => { countsTimer = null; loadCounts(); }, 1000);
  }
  teardown.push(() => clearTimeout(countsTimer));

  // Live updates: the hub's event stream with the same server-side filters. Rows on the page change in
  // place; a new instance joins the first page.
  let stream = null;
  /** The last status each instance's event brought, with its time in ms (from the event ID). */
  const latest = new Map();
  function openStream() {
    if (stream) stream.close();
    stream = events('instances/events', serverQuery());
    // Changes before the stream opened are not sent: read the page again once it is open (and after a
    // reconnect), so the table is never older than the stream.
    stream.onopen = () => { fill(live, 'live'); load(); loadCounts(); };
    stream.onerror = () => fill(live, 'reconnecting…');
    stream.onmessage = m => {
      const s = JSON.parse(m.data);
      latest.set(s.instanceId, { status: s, at: Number(String(m.lastEventId).split('-')[0]) || Date.parse(s.lastUpdatedTime) });
      const i = rows.findIndex(r => r.instanceId === s.instanceId);
      if (i >= 0) rows[i] = s;
      else if (pageIndex === 0) rows.unshift(s);
      else return countsSoon();
      render();
      countsSoon();
    };
  }
  teardown.push(() => stream && stream.close());

  openStream();
  load();
  loadCounts();
}

// ------------------------------------------------------------------------------------------ one instance

function instanceView(id) {
  const path = 'instances/' + seg(id);
  const header = h('div', { className: 'instance-header' });
  const actions = h('div', { className: 'actions', id: 'actions' });
  const details = h('dl', { className: 'details', id: 'details' });
  const chart = h('div', { id: 'timeline-box' });
  const history = h('table', { className: 'list history', id: 'history' });
  fill(view,
    h('p', {}, h('a', { href: '#/instances' }, '← Instances')),
    header, actions, details,
    h('h2', {}, 'Timeline'), chart,
    h('h2', {}, 'History'), history);

  let status = null;

  let loads = 0;
  async function load() {
    const mine = ++loads;
    try {
      const r = await call('GET', path, { query: { showHistory: true, showHistoryOutput: true } });
      if (mine !== loads) return; // a later load is under way: its answer is at least as new
      render(r.body);
    } catch (e) {
      if (e.status === 404) {
        fill(header, h('h1', {}, 'Instance ', h('code', {}, id)));
        fill(details, h('p', { className: 'muted', id: 'not-found' }, 'No such instance (it may have been purged).'));
        fill(actions); fill(chart); fill(history);
      }
      showError(e);
    }
  }

  function render(s) {
    status = s;
    const hist = s.historyEvents || [];
    const parent = hist.find(e => e.EventType === 'ExecutionStarted' && e.ParentInstanceId);
    fill(header, h('h1', {}, h('code', { id: 'instance-id' }, s.instanceId), ' ', statusBadge(s.runtimeStatus)),
      h('p', {}, s.name, parent ? [' · sub-orchestration of ', h('a', { href: instanceHref(parent.ParentInstanceId),
        className: 'parent-link' }, parent.ParentInstanceId)] : ''));
    const entries = [
      ['Name', s.name], ['Runtime status', s.runtimeStatus], ['Created', time(s.createdTime)],
      ['Last updated', time(s.lastUpdatedTime)],
    ];
    fill(details,
      entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      jsonEntry('Input', s.input, 'input'),
      jsonEntry('Output', s.output, 'output'),
      jsonEntry('Custom status', s.customStatus, 'custom-status'),
      s.failureDetails ? jsonEntry('Failure details', s.failureDetails, 'failure') : null);
    renderActions(s);
    fill(chart, timeline(hist, TERMINAL.has(s.runtimeStatus)));
    renderHistory(hist);
  }

  function jsonEntry(label, value, idName) {
    return [h('dt', {}, label), h('dd', {}, h('pre', { id: idName }, value === undefined ? '' : json(value)))];
  }

  function renderHistory(hist) {
    const t0 = hist.length ? Date.parse(hist[0].Timestamp) : 0;
    fill(history,
      h('thead', {}, h('tr', {}, ['#', 'Event', 'Name', 'Timestamp', '+', 'Scheduled', 'Details'].map(c => h('th', {}, c)))),
      h('tbody', {}, hist.map((e, i) => {
        const rest = { ...e };
        for (const k of ['EventType', 'Name', 'FunctionName', 'Timestamp', 'ScheduledTime', 'InstanceId']) delete rest[k];
        const target = e.InstanceId ? h('a', { href: instanceHref(e.InstanceId), className: 'child-link' }, e.InstanceId) : null;
        return h('tr', { dataset: { eventType: e.EventType } },
          h('td', {}, i + 1),
          h('td', {}, e.EventType),
          h('td', {}, e.Name || e.FunctionName || '', target ? [' → ', target] : null),
          h('td', {}, time(e.Timestamp)),
          h('td', { className: 'muted' }, duration(Date.parse(e.Timestamp) - t0)),
          h('td', {}, time(e.ScheduledTime)),
          h('td', { className: 'mono' }, Object.keys(rest).length
            ? h('details', {}, h('summary', {}, preview(rest, 60)), h('pre', {}, json(rest))) : ''));
      })));
  }

  function renderActions(s) {
    const st = s.runtimeStatus;
    const active = !TERMINAL.has(st);
    const button = (label, enabled, onclick, cls) =>
      h('button', { type: 'button', id: 'action-' + label.toLowerCase().replace(/ /g, '-'), disabled: !enabled,
        className: cls, onclick }, label);
    fill(actions,
      button('Raise event', active, raiseEvent),
      button('Suspend', active && st !== 'Suspended', () => simple('suspend', 'Suspend')),
      button('Resume', st === 'Suspended', () => simple('resume', 'Resume')),
      button('Terminate', active, () => simple('terminate', 'Terminate'), 'danger'),
      button('Rewind', st === 'Failed', () => simple('rewind', 'Rewind')),
      button('Restart', true, restart),
      button('Purge', !active, purge, 'danger'));
  }

  async function act(f) {
    try {
      await f();
      clearError();
    } catch (e) {
      showError(e);
    }
    load();
  }

  async function simple(op, label) {
    const v = await confirmDialog(`${label} instance?`, `${label} ${id}.`,
      [{ name: 'reason', label: 'Reason (optional)' }], label);
    if (v) act(() => call('POST', `${path}/${op}`, { query: { reason: v.reason } }));
  }

  async function raiseEvent() {
    const v = await confirmDialog('Raise an event', `Send an event to ${id}.`, [
      { name: 'event', label: 'Event name' },
      { name: 'data', label: 'Data (JSON, empty for null)', type: 'textarea', json: true },
    ], 'Raise event');
    if (v && v.event) act(() => call('POST', `${path}/raiseEvent/${seg(v.event)}`, { body: v.data.trim() || 'null' }));
  }

  async function restart() {
    const v = await confirmDialog('Restart instance?', `Start ${status.name} again with its original input.`,
      [{ name: 'newId', label: 'Under a new instance ID', type: 'checkbox', checked: true }], 'Restart');
    if (!v) return;
    try {
      const r = await call('POST', `${path}/restart`, { query: { restartWithNewInstanceId: v.newId } });
      location.hash = instanceHref(r.body.id);
    } catch (e) {
      showError(e);
    }
  }

  async function purge() {
    const v = await confirmDialog('Purge instance?', `Delete ${id} and its history for good.`, [], 'Purge');
    if (!v) return;
    try {
      await call('DELETE', path);
      location.hash = '#/instances';
    } catch (e) {
      showError(e);
    }
  }

  // Live: the instance's own stream sends each change and ends after the last; history is re-read on each.
  const stream = events(path + '/events', {});
  stream.onmessage = () => load();
  stream.onerror = () => { if (status && TERMINAL.has(status.runtimeStatus)) stream.close(); };
  teardown.push(() => stream.close());
  load();
}

// ------------------------------------------------------------------------------------------ start

function startView() {
  const names = registry.orchestrations || [];
  const nameInput = names.length
    ? h('select', { name: 'name', id: 'start-name' }, names.map(n => h('option', { value: n }, n)))
    : h('input', { name: 'name', id: 'start-name', placeholder: 'orchestrator name', required: true });
  const error = h('p', { className: 'error', id: 'start-error' });
  const form = h('form', { className: 'start', id: 'start-form' },
    h('label', { className: 'field' }, 'Orchestration', nameInput),
    h('label', { className: 'field' }, 'Input (JSON, empty for none)',
      h('textarea', { name: 'input', id: 'start-input', rows: 8, spellcheck: 'false' })),
    h('label', { className: 'field' }, 'Instance ID (optional; generated when empty)',
      h('input', { name: 'id', id: 'start-id' })),
    error,
    h('button', { type: 'submit', id: 'start-submit' }, 'Start'));
  fill(view, h('h1', {}, 'Start an orchestration'), form);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    fill(error);
    const data = new FormData(form);
    const input = data.get('input').trim();
    if (input) {
      try { JSON.parse(input); } catch (err) { fill(error, 'The input is not valid JSON: ' + err.message); return; }
    }
    const id = data.get('id').trim();
    try {
      const r = await call('POST', `orchestrators/${seg(data.get('name'))}${id ? '/' + seg(id) : ''}`,
        { body: input || undefined });
      location.hash = instanceHref(r.body.id);
    } catch (err) {
      fill(error, `${err.status || ''} ${err.error || ''}: ${err.message}`);
    }
  });
}

// ------------------------------------------------------------------------------------------ entities

function entitiesView() {
  const form = h('form', { className: 'filters', id: 'entity-filters' },
    h('label', {}, 'Entity name', registry.entities && registry.entities.length
      ? h('select', { name: 'name' }, h('option', { value: '' }, 'all'), registry.entities.map(n => h('option', { value: n }, n)))
      : h('input', { name: 'name', placeholder: 'all' })),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'button', id: 'signal-new', onclick: () => signal(null) }, 'Signal an entity…'));
  const table = h('table', { className: 'list', id: 'entities' });
  const pager = h('div', { className: 'pager' });
  fill(view, h('h1', {}, 'Entities'), form, table, pager);

  let name = '';
  let tokens = [null];
  let pageIndex = 0;

  form.addEventListener('submit', e => {
    e.preventDefault();
    name = new FormData(form).get('name').trim();
    tokens = [null];
    pageIndex = 0;
    load();
  });

  async function load() {
    try {
      const p = await page(name ? 'entities/' + seg(name) : 'entities', { fetchState: true, top: 50 }, tokens[pageIndex]);
      tokens[pageIndex + 1] = p.token;
      tokens.length = pageIndex + 2;
      fill(table,
        h('thead', {}, h('tr', {}, ['Name', 'Key', 'Last operation', 'State', ''].map(c => h('th', {}, c)))),
        h('tbody', {}, p.items.length ? p.items.map(row)
          : h('tr', {}, h('td', { colspan: 5, className: 'muted' }, 'No entities.'))));
      fill(pager,
        h('button', { disabled: pageIndex === 0, onclick: () => { pageIndex--; load(); } }, '← Previous'),
        h('span', {}, ` page ${pageIndex + 1} `),
        h('button', { disabled: !p.token, onclick: () => { pageIndex++; load(); } }, 'Next →'));
    } catch (e) {
      showError(e);
    }
  }

  function row(en) {
    const { name: n, key } = en.entityId;
    return h('tr', { dataset: { entity: `@${n}@${key}` } },
      h('td', {}, n), h('td', {}, key), h('td', {}, time(en.lastOperationTime)),
      h('td', {}, h('pre', { className: 'state' }, json(en.state))),
      h('td', { className: 'row-actions' },
        h('button', { type: 'button', className: 'signal', onclick: () => signal(en.entityId) }, 'Signal'),
        h('button', { type: 'button', className: 'danger delete', onclick: () => remove(en.entityId) }, 'Delete')));
  }

  // The node applies a signal shortly after its 202 and entities have no event stream: look again a few times.
  function reloadSoon() {
    for (const t of [300, 1000, 2500]) {
      const timer = setTimeout(load, t);
      teardown.push(() => clearTimeout(timer));
    }
  }

  async function signal(entityId) {
    const fields = entityId ? [] : [{ name: 'name', label: 'Entity name' }, { name: 'key', label: 'Entity key' }];
    const v = await confirmDialog('Signal entity', entityId ? `Send an operation to @${entityId.name}@${entityId.key}.`
      : 'Send an operation to an entity (its first operation creates it).', [...fields,
      { name: 'op', label: 'Operation' },
      { name: 'input', label: 'Input (JSON, empty for null)', type: 'textarea', json: true }], 'Signal');
    if (!v || !v.op) return;
    const target = entityId || v;
    try {
      await call('POST', `entities/${seg(target.name)}/${seg(target.key)}`, { query: { op: v.op }, body: v.input.trim() || 'null' });
      clearError();
      reloadSoon();
    } catch (e) {
      showError(e);
    }
  }

  async function remove(entityId) {
    const v = await confirmDialog('Delete entity?', `Delete @${entityId.name}@${entityId.key} (signals "delete").`, [], 'Delete');
    if (!v) return;
    try {
      await call('DELETE', `entities/${seg(entityId.name)}/${seg(entityId.key)}`);
      clearError();
      reloadSoon();
    } catch (e) {
      showError(e);
    }
  }

  load();
}

// ------------------------------------------------------------------------------------------ start-up

loadRegistry().then(route);
