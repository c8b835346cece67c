// The dashboard's only way to the cluster: the gateway's public HTTP API, called from the browser.
// The key lives in sessionStorage (gone with the tab) and goes as x-functions-key on fetches; EventSource
// cannot send headers, so streams carry it as the `code` query parameter, which the API accepts too.

const API = new URL('../runtime/webhooks/durabletask/', location.href);

export const session = {
  get hub() { return sessionStorage.getItem('dk.hub') || ''; },
  set hub(v) { v ? sessionStorage.setItem('dk.hub', v) : sessionStorage.removeItem('dk.hub'); },
  get key() { return sessionStorage.getItem('dk.key') || ''; },
  set key(v) { v ? sessionStorage.setItem('dk.key', v) : sessionStorage.removeItem('dk.key'); },
};

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.error = body && body.error;
  }
}

/** The URL of an API path (segments already encoded by the caller) with the hub and the given query. */
export function url(path, query = {}, withKey = false) {
  const u = new URL(path, API);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    u.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  if (session.hub) u.searchParams.set('taskHub', session.hub);
  if (withKey && session.key) u.searchParams.set('code', session.key);
  return u;
}

export const seg = encodeURIComponent;

/**
 * One API call. Resolves to {status, body, headers}; rejects with ApiError on 4xx/5xx.
 * `body` is sent as JSON when given (undefined sends none).
 */
export async function call(method, path, { query, body, headers = {} } = {}) {
  const h = { ...headers };
  if (session.key) h['x-functions-key'] = session.key;
  const init = { method, headers: h };
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(url(path, query), init);
  const text = await response.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = text; }
  }
  if (response.status >= 400) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}

export const TOKEN_HEADER = 'x-ms-continuation-token';

/** One page of a list route: {items, token}. */
export async function page(path, query, token) {
  const r = await call('GET', path, { query, headers: token ? { [TOKEN_HEADER]: token } : {} });
  return { items: r.body || [], token: r.headers.get(TOKEN_HEADER) };
}

export function events(path, query) {
  return new EventSource(url(path, query, true));
}
