// The list views: which API list each table shows and its columns. `sort` names the field
// the server sorts by (RabbitMQ's `sort` parameter); columns without it do not sort.
import { request, exchangeSeg, seg } from './api.js';
import { clearError, showError } from './errors.js';
import { count, dotted, el, json, rate, yesNo } from './format.js';
import { PagedTable } from './table.js';

const rateColumn = (label, kind) => ({
  label, sort: `message_stats.${kind}_details.rate`, numeric: true,
  value: (q) => rate(dotted(q, `message_stats.${kind}_details.rate`)),
});

const features = (x) => [x.durable ? 'D' : '', x.auto_delete ? 'AD' : '', x.exclusive ? 'Excl' : '',
  x.internal ? 'I' : '', Object.keys(x.arguments ?? {}).length ? 'Args' : ''].filter(Boolean).join(' ');

/** Builds every list view; `vhost()` is the vhost the console is looking at. */
export function listViews(vhost) {
  const inVhost = (list) => () => `/${list}/${seg(vhost())}`;
  const queues = new PagedTable(document.getElementById('queues-table'), {
    label: 'Queues', noun: 'queues', path: inVhost('queues'),
    columns: [
      { label: 'Name', sort: 'name', value: (q) => q.name },
      { label: 'Node', sort: 'node', value: (q) => q.node },
      { label: 'Features', value: features },
      { label: 'Messages', sort: 'messages', numeric: true, value: (q) => count(q.messages) },
      { label: 'Ready', sort: 'messages_ready', numeric: true, value: (q) => count(q.messages_ready) },
      { label: 'Unacked', sort: 'messages_unacknowledged', numeric: true,
        value: (q) => count(q.messages_unacknowledged) },
      { label: 'Consumers', sort: 'consumers', numeric: true, value: (q) => count(q.consumers) },
      rateColumn('Publish rate', 'publish'),
      rateColumn('Deliver rate', 'deliver_get'),
      rateColumn('Ack rate', 'ack'),
    ],
  });
  const exchanges = new PagedTable(document.getElementById('exchanges-table'), {
    label: 'Exchanges', noun: 'exchanges', path: inVhost('exchanges'),
    columns: [
      { label: 'Name', sort: 'name', value: (x) => (x.name === '' ? '(AMQP default)' : x.name) },
      { label: 'Type', sort: 'type', value: (x) => x.type },
      { label: 'Features', value: features },
      { label: 'Arguments', value: (x) => json(x.arguments) },
    ],
  });
  const bindings = new PagedTable(document.getElementById('bindings-table'), {
    label: 'Bindings (search by source exchange)', noun: 'bindings', path: inVhost('bindings'), sort: 'source',
    columns: [
      { label: 'Source', sort: 'source', value: (b) => b.source },
      { label: 'Destination', sort: 'destination', value: (b) => b.destination },
      { label: 'Destination type', sort: 'destination_type', value: (b) => b.destination_type },
      { label: 'Routing key', sort: 'routing_key', value: (b) => b.routing_key },
      { label: 'Arguments', value: (b) => json(b.arguments) },
      { label: 'Action', value: (b) => unbindButton(b, () => bindings.load()) },
    ],
  });
  const connections = new PagedTable(document.getElementById('connections-table'), {
    label: 'Connections', noun: 'connections', path: () => '/connections', sort: '',
    columns: [
      { label: 'Name', sort: 'name', value: (c) => c.name },
      { label: 'Client name', sort: 'user_provided_name', value: (c) => c.user_provided_name },
      { label: 'Protocol', sort: 'protocol', value: (c) => c.protocol },
      { label: 'Node', sort: 'node', value: (c) => c.node },
      { label: 'Connected at', sort: 'connected_at', value: (c) => new Date(c.connected_at).toLocaleString() },
      { label: 'Consumers', sort: 'consumers', numeric: true, value: (c) => count(c.consumers) },
    ],
  });
  const consumers = new PagedTable(document.getElementById('consumers-table'), {
    label: 'Consumers (every protocol, every node; search by queue)', noun: 'consumers', path: inVhost('consumers'), sort: '',
    columns: [
      { label: 'Consumer tag', sort: 'consumer_tag', value: (c) => c.consumer_tag },
      { label: 'Queue', sort: 'queue.name', value: (c) => c.queue.name },
      { label: 'Connection', value: (c) => c.channel_details.connection_name },
      { label: 'Manual ack', sort: 'ack_required', value: (c) => yesNo(c.ack_required) },
      { label: 'Prefetch', sort: 'prefetch_count', numeric: true, value: (c) => count(c.prefetch_count) },
      // RabbitMQ's activity_status: up, or on a single-active-consumer queue single_active / waiting.
      { label: 'Status', sort: 'activity_status', value: (c) => c.activity_status },
    ],
  });
  return { queues, exchanges, bindings, connections, consumers };
}

function unbindButton(b, reload) {
  const to = b.destination_type === 'queue' ? 'q' : 'e';
  const button = el('button', { type: 'button' }, 'Unbind');
  const source = b.source === '' ? 'the default exchange' : b.source;
  button.setAttribute('aria-label', `Unbind ${b.destination} from ${source} (${b.routing_key || 'no key'})`);
  button.addEventListener('click', async () => {
    clearError();
    try {
      await request('DELETE', `/bindings/${seg(b.vhost)}/e/${exchangeSeg(b.source)}/${to}/${seg(b.destination)}`
        + `/${seg(b.properties_key)}`);
      await reload();
    } catch (e) {
      showError(`Unbinding ${b.destination} failed`, e);
    }
  });
  return button;
}
