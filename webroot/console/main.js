// The console: one page, a view per section (#overview, #queues, …). Only the visible
// table is loaded, one page at a time; it is refreshed by the overview stream's events
// (sooner when the totals changed, at least every REFRESH_MS otherwise), so there are no
// timers per table or per row. It starts once /api/whoami says who the user is: logged in
// with the session's credentials, or anonymous (guest from loopback) unless the user logged out.
import { get, request } from './api.js';
import { loggedIn, loginRequired, remember, rights, takeMessage, toLoginPage } from './auth.js';
import { installErrorBanner, showError } from './errors.js';
import { installForms } from './forms.js';
import { noConsole, showLogin } from './login.js';
import { Overview } from './overview.js';
import { usersView } from './users.js';
import { listViews } from './views.js';

const REFRESH_MS = 5000;

const vhostSelect = document.getElementById('vhost');
const vhost = () => vhostSelect.value || '/';
let views = [];
let tables = {};
let current = null;
let lastLoad = 0;
let lastTotals = '';

function show(view) {
  current = views.includes(view) ? view : 'overview';
  for (const v of views) {
    document.getElementById(v).hidden = v !== current;
    const link = document.querySelector(`nav a[href="#${v}"]`);
    if (v === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Junction · ${current[0].toUpperCase()}${current.slice(1)}`;
  return refreshVisible();
}

/** Reloads the visible table; unless `now`, not while a load of it is in flight. */
function refreshVisible(now = false) {
  const table = tables[current];
  if (!table) return undefined;
  lastLoad = Date.now();
  return now ? table.load() : table.refresh();
}

/** Each overview event: reload the visible table if the totals moved or it is getting old. */
function onOverviewEvent(e) {
  const totals = JSON.stringify([e.object_totals, e.queue_totals]);
  const changed = totals !== lastTotals;
  lastTotals = totals;
  if (tables[current] && (changed || Date.now() - lastLoad >= REFRESH_MS)) refreshVisible();
}

async function loadVhosts() {
  try {
    const vhosts = await get('/vhosts');
    const selected = vhost();
    vhostSelect.replaceChildren(...vhosts.map((v) => new Option(v.name, v.name, false, v.name === selected)));
  } catch (e) {
    showError('Loading the vhosts failed', e);
  }
}

const OBJECT_FORMS = ['declare-queue', 'queue-actions', 'get-messages', 'publish', 'declare-exchange',
  'delete-exchange', 'add-binding'];

/** Disables the forms that change the vhost when the user has no permission in it. */
function disableFormsWithout(user) {
  const usable = (user.vhosts ?? []).includes(vhost());
  for (const id of OBJECT_FORMS) {
    document.getElementById(id).querySelectorAll('input, select, textarea, button')
      .forEach((n) => { n.disabled = !usable; });
  }
  const note = document.getElementById('no-permissions');
  note.textContent = usable ? '' : `User ${user.name} has no permissions in vhost ${vhost()}: its forms are disabled.`;
  note.hidden = usable;
}

/** The console for `user` ({name, tags}): what its tags do not allow is taken out of the page. */
async function start(user) {
  const may = rights(user.tags);
  if (!may.administrator) document.querySelectorAll('[data-needs="administrator"]').forEach((n) => n.remove());
  views = ['overview', 'queues', 'exchanges', 'bindings', 'connections', 'consumers'];
  if (may.administrator) views.push('users');
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('user-name').textContent = user.name;
  const about = [...user.tags, ...(loggedIn() ? [] : ['anonymous'])];
  document.getElementById('user-tags').textContent = about.length ? `(${about.join(', ')})` : '';
  const logout = document.getElementById('logout');
  if (!loggedIn()) logout.textContent = 'Log in as someone else';
  logout.addEventListener('click', () => toLoginPage());

  tables = listViews(vhost);
  if (may.administrator) tables.users = usersView(vhost);
  installErrorBanner();
  installForms(vhost, () => refreshVisible(true));
  vhostSelect.addEventListener('change', () => {
    Object.values(tables).forEach((t) => { if (t.state) t.state.page = 1; });
    disableFormsWithout(user);
    refreshVisible(true);
  });
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  // The visible table first: with 10 000 queues every other request (vhost totals, the overview,
  // its stream) walks all of them on the broker, and would queue ahead of the page asked for.
  // A user who does not see every vhost may not see `/`: its vhosts come first.
  if (!may.everyVhost) await loadVhosts();
  disableFormsWithout(user);
  await show(location.hash.slice(1));
  if (may.everyVhost) loadVhosts().then(() => disableFormsWithout(user));
  new Overview(document.getElementById('overview'), onOverviewEvent).start();
}

/**
 * A token handed over in the URL (`?access_token=`, from an identity provider's redirect) becomes
 * the session's credentials and leaves the URL and the history entry at once.
 */
function takeHandedToken() {
  const params = new URLSearchParams(location.search);
  const token = params.get('access_token');
  if (!token) return;
  params.delete('access_token');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
  remember(`Bearer ${token}`);
}

/** Who the console is for: the session's credentials, else the anonymous user; else the login page. */
async function whoami() {
  takeHandedToken();
  const message = takeMessage();
  if (!loggedIn() && loginRequired()) return showLogin(message, start);
  try {
    const { data } = await request('GET', '/whoami', undefined, { quiet: true });
    if (!rights(data.tags).console) return showLogin(noConsole(data), start);
    return start(data);
  } catch (e) {
    if (loggedIn() && e.status === 401) return toLoginPage(`Logged out: ${e.reason}`);
    if (e.status === 401 || e.status === 404) return showLogin(message, start);
    return showLogin(`The broker did not say who you are: ${e.reason ?? e.message}`, start);
  }
}

await whoami();
