// The console: one page, a view per section (#overview, #queues, …). Only the visible
// table is loaded, one page at a time; it is refreshed by the overview stream's events
// (sooner when the totals changed, at least every REFRESH_MS otherwise), so there are no
// timers per table or per row.
import { get } from './api.js';
import { installErrorBanner, showError } from './errors.js';
import { installForms } from './forms.js';
import { Overview } from './overview.js';
import { listViews } from './views.js';

const REFRESH_MS = 5000;
const VIEWS = ['overview', 'queues', 'exchanges', 'bindings', 'connections', 'consumers'];

const vhostSelect = document.getElementById('vhost');
const vhost = () => vhostSelect.value || '/';
const tables = listViews(vhost);
let current = null;
let lastLoad = 0;
let lastTotals = '';

function show(view) {
  current = VIEWS.includes(view) ? view : 'overview';
  for (const v of VIEWS) {
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

installErrorBanner();
installForms(vhost, () => refreshVisible(true));
vhostSelect.addEventListener('change', () => {
  Object.values(tables).forEach((t) => { t.state.page = 1; });
  refreshVisible(true);
});
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
// The visible table first: with 10 000 queues every other request (vhost totals, the overview,
// its stream) walks all of them on the broker, and would queue ahead of the page asked for.
await show(location.hash.slice(1));
loadVhosts();
new Overview(document.getElementById('overview'), onOverviewEvent).start();
