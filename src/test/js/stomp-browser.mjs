// Headless Chromium loads the broker's stomp-demo.html, which publishes and receives with
// stompjs over /ws; prints what the page shows as JSON.
import { chromium } from 'playwright-core';

const url = process.env.PAGE_URL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let code = 0;
try {
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  await page.goto(url, { timeout: 20000 });
  await page.waitForSelector('#messages li', { timeout: 20000 });
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('stored'),
    null, { timeout: 20000 });
  const messages = await page.$$eval('#messages li', (lis) => lis.map((li) => li.textContent));
  const status = await page.textContent('#status');
  console.log(JSON.stringify({ messages, status, logs }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e) }));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
