// Consumes a queue over SSE with headless Chromium's own EventSource, acking with fetch.
// The page is first navigated to the broker (same origin). Env: BASE, QUEUE, COUNT.
// Prints {"payloads":[...]} and exits 0.
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${process.env.BASE}/api/overview`);
  const payloads = await page.evaluate(({ queue, count }) => new Promise((resolve, reject) => {
    const es = new EventSource(`/api/queues/%2F/${encodeURIComponent(queue)}/stream?ack=manual&prefetch=5`);
    const got = [];
    const acks = [];
    let consumer = null;
    setTimeout(() => reject(new Error(`timeout after ${got.length}`)), 20000);
    es.addEventListener('consumer', (e) => { consumer = JSON.parse(e.data).consumer; });
    es.onmessage = (e) => {
      const m = JSON.parse(e.data);
      got.push(m.payload);
      acks.push(fetch(`/api/consumers/${consumer}/ack`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ delivery_tag: m.delivery_tag }),
      }).then((r) => { if (!r.ok) throw new Error(`ack ${m.delivery_tag}: ${r.status}`); }));
      // Resolve only once every ack has been answered: closing the browser with an ack
      // still in flight would lose it, and the broker would rightly requeue that message.
      if (got.length === count) { Promise.all(acks).then(() => { es.close(); resolve(got); }, reject); }
    };
  }), { queue: process.env.QUEUE, count: Number(process.env.COUNT) });
  console.log(JSON.stringify({ payloads }));
} finally {
  await browser.close();
}
