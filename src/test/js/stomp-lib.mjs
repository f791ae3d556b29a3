// Helpers for the STOMP scenarios: stock @stomp/stompjs over the `ws` WebSocket.
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';

export const URL = process.env.WS_URL;

/** Connects; resolves with the connected Client. `errors` collects ERROR frames. */
export function connect(options = {}) {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(URL, ['v12.stomp']),
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      debug: () => {},
      ...options,
    });
    client.errors = [];
    client.onConnect = () => resolve(client);
    client.onStompError = (frame) => {
      client.errors.push({ message: frame.headers.message, code: frame.headers.code, body: frame.body });
      reject(new Error('ERROR frame: ' + frame.headers.message));
    };
    client.onWebSocketError = (e) => reject(new Error('websocket error: ' + e.message));
    client.activate();
  });
}

let receipts = 0;

/** Publishes with a receipt; resolves when the RECEIPT arrives. */
export function publishConfirmed(client, params) {
  const receipt = 'r-' + (++receipts);
  const done = new Promise((resolve) => client.watchForReceipt(receipt, resolve));
  client.publish({ ...params, headers: { ...(params.headers || {}), receipt } });
  return done;
}

/** Subscribes with a receipt; resolves with the subscription once the server has it. */
export function subscribeConfirmed(client, destination, callback, headers = {}) {
  const receipt = 's-' + (++receipts);
  const done = new Promise((resolve) => client.watchForReceipt(receipt, resolve));
  const sub = client.subscribe(destination, callback, { ...headers, receipt });
  return done.then(() => sub);
}

/** Resolves when `predicate()` holds; rejects after `ms`. */
export function until(predicate, ms = 10000, what = 'condition') {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) {
        resolve();
      } else if (Date.now() - started > ms) {
        reject(new Error('timed out waiting for ' + what));
      } else {
        setTimeout(tick, 10);
      }
    };
    tick();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a scenario: prints its JSON result and exits 0, or prints the failure and exits 1. */
export function run(scenario, timeoutMs = 30000) {
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ error: 'scenario timed out after ' + timeoutMs + ' ms' }));
    process.exit(2);
  }, timeoutMs);
  scenario().then((result) => {
    clearTimeout(timer);
    console.log(JSON.stringify(result));
    process.exit(0);
  }, (e) => {
    clearTimeout(timer);
    console.log(JSON.stringify({ error: String(e && e.stack || e) }));
    process.exit(1);
  });
}
