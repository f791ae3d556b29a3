// Consumes a queue over SSE with the `eventsource` npm package, acking each message by
// consumer id. Env: BASE (http://host:port), QUEUE, COUNT. Prints one JSON line per message
// and exits 0 once COUNT arrived and were acked.
import { EventSource } from 'eventsource';

const base = process.env.BASE;
const queue = process.env.QUEUE;
const count = Number(process.env.COUNT);
const es = new EventSource(`${base}/api/queues/%2F/${encodeURIComponent(queue)}/stream?ack=manual&prefetch=10`);
let consumer = null;
let received = 0;
const timer = setTimeout(() => { console.error(`timeout after ${received} messages`); process.exit(2); }, 30000);

es.addEventListener('consumer', (e) => { consumer = JSON.parse(e.data).consumer; });
es.onmessage = async (e) => {
  const m = JSON.parse(e.data);
  console.log(JSON.stringify({ id: e.lastEventId, payload: m.payload, tag: m.delivery_tag }));
  const r = await fetch(`${base}/api/consumers/${consumer}/ack`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ delivery_tag: m.delivery_tag }),
  });
  if (r.status !== 204) { console.error(`ack answered ${r.status}: ${await r.text()}`); process.exit(3); }
  if (++received === count) { es.close(); clearTimeout(timer); process.exit(0); }
};
es.onerror = (e) => { console.error('eventsource error', e.message ?? e); };
