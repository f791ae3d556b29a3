// The overview: node, cluster nodes, object and message totals, and live charts fed by the
// one stream of /api/overview/stream (an event a second, computed once on the broker for every
// open console).
import { get } from './api.js';
import { LineChart } from './chart.js';
import { showError } from './errors.js';
import { count, el } from './format.js';
import { eventStream } from './stream.js';

const NODES_EVERY = 15;

const TOTALS = [
  ['Connections', (e) => e.object_totals.connections],
  ['Exchanges', (e) => e.object_totals.exchanges],
  ['Queues', (e) => e.object_totals.queues],
  ['Consumers', (e) => e.object_totals.consumers],
  ['Messages', (e) => e.queue_totals.messages],
  ['Ready', (e) => e.queue_totals.messages_ready],
  ['Unacked', (e) => e.queue_totals.messages_unacknowledged],
];

export class Overview {
  constructor(section, onEvent) {
    this.onEvent = onEvent;
    this.events = 0;
    this.nodeName = document.getElementById('node-name');
    this.nodes = section.querySelector('#cluster-nodes');
    this.stream = document.getElementById('stream-status');
    this.totals = TOTALS.map(([label]) => {
      const dd = el('dd', {}, '…');
      section.querySelector('#totals').append(el('div', {}, el('dt', {}, label), dd));
      return dd;
    });
    this.rates = new LineChart(section.querySelector('#rates-figure'), {
      title: 'Message rates per second, last five minutes',
      unit: '/s',
      series: [
        { key: 'publish', label: 'Publish', color: '#2563eb' },
        { key: 'deliver', label: 'Deliver', color: '#16a34a' },
        { key: 'ack', label: 'Ack', color: '#d97706' },
      ],
    });
    this.queued = new LineChart(section.querySelector('#queued-figure'), {
      title: 'Queued messages, last five minutes',
      series: [
        { key: 'ready', label: 'Ready', color: '#7c3aed' },
        { key: 'unacked', label: 'Unacked', color: '#dc2626' },
      ],
    });
  }

  /** Opens the stream: its first event (at once) names the node and fills the totals. */
  start() {
    this.loadNodes();
    this.source = eventStream('/overview/stream', {
      onOpen: () => this.status('live', 'Live: updated every second'),
      onDown: () => this.status('reconnecting', 'Disconnected from the broker: reconnecting…'),
      onData: (e) => this.update(e),
    });
  }

  status(state, text) {
    this.stream.dataset.state = state;
    this.stream.textContent = text;
  }

  update(e) {
    this.events += 1;
    this.nodeName.textContent = e.node;
    this.totals.forEach((dd, i) => { dd.textContent = count(TOTALS[i][1](e)); });
    const s = e.message_stats;
    this.rates.push({
      publish: s.publish_details.rate, deliver: s.deliver_get_details.rate, ack: s.ack_details.rate,
    });
    this.queued.push({ ready: e.queue_totals.messages_ready, unacked: e.queue_totals.messages_unacknowledged });
    if (this.events % NODES_EVERY === 0) this.loadNodes();
    this.onEvent(e);
  }

  async loadNodes() {
    try {
      const nodes = await get('/nodes');
      this.nodes.replaceChildren(...nodes.map((n) => el('li', {}, n.name, n.self ? ' (this node)' : '')));
    } catch (e) {
      showError('Loading the cluster nodes failed', e);
    }
  }
}
