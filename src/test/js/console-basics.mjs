// The console in headless Chromium: the overview with live charts, then a queue declared,
// published to, counted and read through the forms, then an API error shown, then the status of
// the two consumers the test attached to a single-active-consumer queue.
// Env: BASE, QUEUE, NODE, SHOTS. Prints {node, user, chartUpdates, messages, payload, error, statuses}.
import { BASE, check, run, shot } from './console-lib.mjs';

const queue = process.env.QUEUE;
const payload = `hello from the console to ${queue}`;

run('console-basics', async ({ page }) => {
  // 1. The overview: node name, and a chart that the SSE stream keeps feeding.
  await page.goto(`${BASE}/#overview`);
  const nodeName = page.locator('#node-name');
  await page.waitForFunction((n) => document.getElementById('node-name').textContent === n, process.env.NODE);
  const chart = page.getByRole('img', { name: /Message rates/ });
  await chart.waitFor();
  await page.waitForFunction(() => Number(document.querySelector('#rates-figure svg').dataset.updates) >= 2);
  const chartUpdates = Number(await chart.getAttribute('data-updates'));
  // Let in anonymously (guest from loopback): it says so, and offers the login page.
  const user = (await page.locator('header .who').textContent()).replace(/\s+/g, ' ').trim();
  check(await page.getByRole('button', { name: 'Log in as someone else' }).isVisible(), 'the login is offered');
  await shot(page, '01-overview');

  // 2. Declare a queue through the form and find it in the table.
  await page.getByRole('link', { name: 'Queues' }).click();
  const declare = page.getByRole('form', { name: 'Declare a queue' });
  await declare.getByLabel('Name', { exact: true }).fill(queue);
  await declare.getByRole('button', { name: 'Declare queue' }).click();
  await declare.getByRole('status').filter({ hasText: `Queue ${queue} declared.` }).waitFor();
  await page.getByLabel('Search queues by name').fill(queue);
  const table = page.getByRole('table', { name: 'Queues' });
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: queue, exact: true }) });
  await row.waitFor();
  await shot(page, '02-queue-declared');

  // Publish to it through the publish form: the default exchange, routing key = queue name.
  await page.getByRole('link', { name: 'Exchanges' }).click();
  const publish = page.getByRole('form', { name: 'Publish a message' });
  check(await publish.getByLabel('Exchange').inputValue() === 'amq.default', 'the default exchange is preset');
  await publish.getByLabel('Routing key').fill(queue);
  await publish.getByLabel('Payload', { exact: true }).fill(payload);
  await publish.getByRole('button', { name: 'Publish message' }).click();
  await publish.getByRole('status').filter({ hasText: 'Message published and routed.' }).waitFor();
  await shot(page, '03-message-published');

  // The table shows the message within a bounded wait (it refreshes as the overview stream ticks).
  await page.getByRole('link', { name: 'Queues' }).click();
  const messages = row.getByRole('cell').nth(3);
  await page.waitForFunction(([q]) => [...document.querySelectorAll('#queues-table tbody tr')]
    .some((tr) => tr.cells[0].textContent === q && tr.cells[3].textContent === '1'), [queue], { timeout: 10000 });
  const count = await messages.textContent();
  await shot(page, '04-queue-count');

  // Get it through the get form and see its payload.
  const get = page.getByRole('form', { name: 'Get messages' });
  await get.getByLabel('Queue name').fill(queue);
  await get.getByRole('button', { name: 'Get messages' }).click();
  await get.getByRole('status').filter({ hasText: `Got 1 message from ${queue}.` }).waitFor();
  const got = await page.locator('#get-results pre.payload').first().textContent();
  check(got === payload, `the payload shown is ${got}`);
  await shot(page, '05-message-got');

  // 3. An API error is shown: redeclaring the durable queue as transient is a 409 precondition_failed.
  await declare.getByLabel('Durable').uncheck();
  await declare.getByRole('button', { name: 'Declare queue' }).click();
  const banner = page.getByRole('alert');
  await banner.filter({ hasText: 'exists with other attributes' }).waitFor();
  const error = await banner.textContent();
  check((await declare.getByRole('status').textContent()).startsWith('Failed:'), 'the form says it failed');
  await shot(page, '06-api-error');

  // 4. The consumers table shows each consumer's activity status (its last column).
  await page.getByRole('link', { name: 'Consumers' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#consumers-table tbody tr').length === 2,
    null, { timeout: 10000 });
  const statuses = await page.$$eval('#consumers-table tbody tr',
    (rows) => rows.map((tr) => tr.cells[tr.cells.length - 1].textContent).sort());
  await shot(page, '07-consumers');

  return { node: await nodeName.textContent(), user, chartUpdates, messages: count, payload: got,
    error: error.replace(/\s+/g, ' ').trim(), statuses };
});
