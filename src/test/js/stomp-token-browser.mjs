// Headless Chromium, on a page of the broker's origin, loads stock @stomp/stompjs from
// node_modules and, for each token of TOKENS (a JSON array), connects to WS_URL with it as the
// STOMP passcode (RabbitMQ's convention, login empty); once connected it publishes to DEST and
// waits for the message. Prints a JSON array with {connected, received} or {connected: false,
// error} for each token.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const stompjs = fileURLToPath(new URL('./node_modules/@stomp/stompjs/bundles/stomp.umd.min.js', import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let code = 0;
try {
  const page = await browser.newPage();
  await page.goto(process.env.PAGE_URL, { timeout: 20000 });
  await page.addScriptTag({ path: stompjs });
  const connect = ({ wsUrl, token, dest }) => new Promise((resolve) => {
    let finished = false;
    const client = new StompJs.Client({
      brokerURL: wsUrl,
      connectHeaders: { login: '', passcode: token },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    const timer = setTimeout(() => done({ connected: client.connected, error: 'no answer within 15 s' }), 15000);
    function done(r) {
      if (!finished) {
        finished = true;
        clearTimeout(timer);
        client.deactivate();
        resolve(r);
      }
    }
    client.onConnect = () => {
      client.subscribe(dest, (m) => done({ connected: true, received: m.body }));
      client.publish({ destination: dest, body: 'hello-with-a-token' });
    };
    client.onStompError = (f) => done({ connected: false, error: f.headers.message });
    client.onWebSocketClose = (e) => done({ connected: false, error: 'closed: ' + e.code });
    client.activate();
  });
  const results = [];
  for (const token of JSON.parse(process.env.TOKENS)) {
    results.push(await page.evaluate(connect, { wsUrl: process.env.WS_URL, token, dest: process.env.DEST }));
  }
  console.log(JSON.stringify(results));
} catch (e) {
  console.log(JSON.stringify({ error: String(e) }));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
