// The broker's HTTP API, same origin, as the session's user. Every failure becomes an ApiError
// carrying the API's own {"error", "reason"} so that the page can show the reason as the broker
// put it; a 401 (the credentials no longer work) returns to the login page.
import { authHeaders, toLoginPage } from './auth.js';

export class ApiError extends Error {
  constructor(status, code, reason) {
    super(reason);
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}

/** A path segment: `/` becomes `%2F`, as the API writes the default vhost. */
export const seg = (s) => encodeURIComponent(s);

/** An exchange name in a path: the default exchange ("") is `amq.default`. */
export const exchangeSeg = (name) => seg(name === '' ? 'amq.default' : name);

/**
 * Sends one request to /api; resolves with {status, data} (data: parsed JSON or null).
 * `authorization` replaces the session's credentials (to check new ones); then, or when `quiet`,
 * a 401 is only thrown.
 */
export async function request(method, path, body, { signal, authorization, quiet } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (authorization) headers.Authorization = authorization;
  const init = { method, headers, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(`/api${path}`, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', `the broker did not answer (${e.message})`);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data?.error ?? `http_${res.status}`, data?.reason ?? (text || res.statusText));
    if (res.status === 401 && !authorization && !quiet) toLoginPage(`Logged out: ${error.reason}`);
    throw error;
  }
  return { status: res.status, data };
}

export const get = async (path, options) => (await request('GET', path, undefined, options)).data;

/** A page of a list: /api{path}?page=…&page_size=…&name=…&use_regex=…&sort=…&sort_reverse=… */
export function getPage(path, { page, pageSize, name, regex, sort, reverse }, options) {
  const q = new URLSearchParams({ page, page_size: pageSize });
  if (name) {
    q.set('name', name);
    if (regex) q.set('use_regex', 'true');
  }
  if (sort) q.set('sort', sort);
  if (reverse) q.set('sort_reverse', 'true');
  return get(`${path}?${q}`, options);
}
