// The forms: declare and delete queues and exchanges, purge, bind, publish, get. Each one
// calls the API once; success is said in the form's status line, failure in the error banner.
import { exchangeSeg, request, seg } from './api.js';
import { clearError, showError } from './errors.js';
import { count, el } from './format.js';

/** Parses an optional JSON object field ("" is {}); throws a readable error otherwise. */
function objectField(form, name) {
  const input = form.elements[name];
  const label = input.labels[0]?.textContent ?? name;
  const text = input.value.trim();
  if (!text) return {};
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${label} is not valid JSON (${e.message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${label} must be a JSON object`);
  return v;
}

/**
 * Runs `action(submitter)` on submit: buttons disabled meanwhile, its answer (a sentence)
 * in the form's status line, a failure in the error banner; then `after()` (a refresh).
 */
export function handle(form, what, action, after) {
  const status = form.querySelector('[role=status]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    clearError();
    status.textContent = '';
    try {
      status.textContent = await action(event.submitter);
      form.dataset.result = 'ok';
      after?.();
    } catch (e) {
      form.dataset.result = 'error';
      status.textContent = `Failed: ${e.reason ?? e.message}`;
      showError(typeof what === 'function' ? what(event.submitter) : what, e);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
}

const checked = (form, name) => form.elements[name].checked;
const value = (form, name) => form.elements[name].value;

export function installForms(vhost, refresh) {
  const byId = (id) => document.getElementById(id);

  const declareQueue = byId('declare-queue');
  handle(declareQueue, 'Declaring the queue failed', async () => {
    const name = value(declareQueue, 'name').trim();
    const { status } = await request('PUT', `/queues/${seg(vhost())}/${seg(name)}`, {
      durable: checked(declareQueue, 'durable'), auto_delete: checked(declareQueue, 'auto_delete'),
      arguments: objectField(declareQueue, 'arguments'),
    });
    return status === 201 ? `Queue ${name} declared.` : `Queue ${name} already exists with these settings.`;
  }, refresh);

  const queueActions = byId('queue-actions');
  handle(queueActions, (b) => `${b?.value === 'purge' ? 'Purging' : 'Deleting'} the queue failed`, async (b) => {
    const name = value(queueActions, 'name').trim();
    const path = `/queues/${seg(vhost())}/${seg(name)}`;
    if (b?.value === 'purge') {
      await request('DELETE', `${path}/contents`);
      return `Queue ${name} purged.`;
    }
    const flags = new URLSearchParams();
    if (checked(queueActions, 'if_empty')) flags.set('if-empty', 'true');
    if (checked(queueActions, 'if_unused')) flags.set('if-unused', 'true');
    await request('DELETE', flags.size ? `${path}?${flags}` : path);
    return `Queue ${name} deleted.`;
  }, refresh);

  const declareExchange = byId('declare-exchange');
  handle(declareExchange, 'Declaring the exchange failed', async () => {
    const name = value(declareExchange, 'name').trim();
    const { status } = await request('PUT', `/exchanges/${seg(vhost())}/${exchangeSeg(name)}`, {
      type: value(declareExchange, 'type'), durable: checked(declareExchange, 'durable'),
      auto_delete: checked(declareExchange, 'auto_delete'), internal: checked(declareExchange, 'internal'),
      arguments: objectField(declareExchange, 'arguments'),
    });
    return status === 201 ? `Exchange ${name} declared.` : `Exchange ${name} already exists with these settings.`;
  }, refresh);

  const deleteExchange = byId('delete-exchange');
  handle(deleteExchange, 'Deleting the exchange failed', async () => {
    const name = value(deleteExchange, 'name').trim();
    const unused = checked(deleteExchange, 'if_unused') ? '?if-unused=true' : '';
    await request('DELETE', `/exchanges/${seg(vhost())}/${exchangeSeg(name)}${unused}`);
    return `Exchange ${name} deleted.`;
  }, refresh);

  const bind = byId('add-binding');
  handle(bind, 'Binding failed', async () => {
    const source = value(bind, 'source').trim();
    const type = value(bind, 'destination_type');
    const destination = value(bind, 'destination').trim();
    await request('POST', `/bindings/${seg(vhost())}/e/${exchangeSeg(source)}/${type}/${seg(destination)}`, {
      routing_key: value(bind, 'routing_key'), arguments: objectField(bind, 'arguments'),
    });
    return `Bound ${destination} to ${source}.`;
  }, refresh);

  const publish = byId('publish');
  handle(publish, 'Publishing failed', async () => {
    const exchange = value(publish, 'exchange').trim();
    const properties = { delivery_mode: checked(publish, 'persistent') ? 2 : 1 };
    const contentType = value(publish, 'content_type').trim();
    if (contentType) properties.content_type = contentType;
    const headers = objectField(publish, 'headers');
    if (Object.keys(headers).length) properties.headers = headers;
    const { data } = await request('POST', `/exchanges/${seg(vhost())}/${exchangeSeg(exchange)}/publish`, {
      routing_key: value(publish, 'routing_key'), payload: value(publish, 'payload'),
      payload_encoding: value(publish, 'payload_encoding'), properties,
    });
    return data.routed ? 'Message published and routed.' : 'Message published, but no queue took it (not routed).';
  }, refresh);

  const getForm = byId('get-messages');
  const results = byId('get-results');
  handle(getForm, 'Getting messages failed', async () => {
    const name = value(getForm, 'queue').trim();
    const truncate = value(getForm, 'truncate').trim();
    const body = {
      count: Number(value(getForm, 'count')), ackmode: value(getForm, 'ackmode'),
      encoding: value(getForm, 'encoding'),
    };
    if (truncate) body.truncate = Number(truncate);
    const { data } = await request('POST', `/queues/${seg(vhost())}/${seg(name)}/get`, body);
    results.replaceChildren(...data.map(messageView));
    return data.length ? `Got ${data.length} message${data.length === 1 ? '' : 's'} from ${name}.`
      : `Queue ${name} has no ready message.`;
  }, refresh);
}

function messageView(m, i) {
  const props = Object.entries(m.properties ?? {}).map(([k, v]) => `${k}: ${typeof v === 'object'
    ? JSON.stringify(v) : v}`).join('\n');
  return el('article', { className: 'message' },
    el('h4', {}, `Message ${i + 1}`),
    el('dl', {},
      el('div', {}, el('dt', {}, 'Exchange'), el('dd', {}, m.exchange === '' ? '(AMQP default)' : m.exchange)),
      el('div', {}, el('dt', {}, 'Routing key'), el('dd', {}, m.routing_key)),
      el('div', {}, el('dt', {}, 'Redelivered'), el('dd', {}, m.redelivered ? 'yes' : 'no')),
      el('div', {}, el('dt', {}, 'Left in queue'), el('dd', {}, count(m.message_count))),
      el('div', {}, el('dt', {}, 'Payload'), el('dd', {}, `${count(m.payload_bytes)} bytes, ${m.payload_encoding}`))),
    props ? el('pre', { className: 'properties' }, props) : '',
    el('pre', { className: 'payload' }, m.payload));
}
