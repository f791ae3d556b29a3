// From pages of several origins, headless Chromium opens the broker's /ws and calls its /api
// across origins (a PUT with a JSON body, so a CORS preflight goes first).
// Env: BROKER (http://127.0.0.1:PORT), PAGES (JSON array of page URLs, one per origin).
// Prints {"<page>": {"ws": "open" | "refused <status>" | "closed <code>", "api": <status> | "blocked", "queue": "cors-<i>"}}.
import { chromium } from 'playwright-core';

const broker = process.env.BROKER;
const pages = JSON.parse(process.env.PAGES);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = {};
let code = 0;
try {
  const page = await browser.newPage();
  // Chromium writes a refused handshake's status to the console; the page only sees code 1006.
  let logs = [];
  page.on('console', (m) => logs.push(m.text()));
  for (const [i, url] of pages.entries()) {
    logs = [];
    await page.goto(url, { timeout: 20000 });
    const queue = 'cors-' + i;
    const seen = await page.evaluate(async ({ broker, queue }) => {
      const ws = await new Promise((resolve) => {
        const socket = new WebSocket(broker.replace(/^http/, 'ws') + '/ws', ['v12.stomp']);
        socket.onopen = () => { socket.close(); resolve('open'); };
        socket.onclose = (e) => resolve('closed ' + e.code);
      });
      let api;
      try {
        const r = await fetch(`${broker}/api/queues/%2F/${queue}`, {
          method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"durable":false}',
        });
        api = r.status;
      } catch (e) {
        api = 'blocked';
      }
      return { ws, api };
    }, { broker, queue });
    if (seen.ws !== 'open') {
      const status = (logs.join('\n').match(/Unexpected response code: (\d+)/) || [])[1];
      seen.ws = status ? 'refused ' + status : seen.ws;
    }
    results[url] = { ...seen, queue };
  }
  console.log(JSON.stringify(results));
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack || e) }));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
