// The queue page of a broker with 10 000 queues: time from navigation to the first page of
// rows, then search and sort by messages. Env: BASE, TOTAL, SHOTS.
// Prints {renderMillis, pageMillis, info, searched, byMessagesDesc, byMessagesAsc}.
import { BASE, check, run, shot } from './console-lib.mjs';

const rowsOf = (page) => page.evaluate(() => [...document.querySelectorAll('#queues-table tbody tr')]
  .map((tr) => [tr.cells[0].textContent, tr.cells[3]?.textContent]));

run('console-many-queues', async ({ page }) => {
  const started = Date.now();
  await page.goto(`${BASE}/#queues`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.querySelectorAll('#queues-table tbody tr').length === 20,
    null, { polling: 'raf' });
  const renderMillis = Date.now() - started;
  const pageMillis = await page.evaluate(() => Math.round(performance.now()));
  const info = await page.locator('#queues-table .page-info').textContent();
  check(info.includes(`${Number(process.env.TOTAL).toLocaleString('en')} queues`), info);
  await shot(page, '07-ten-thousand-queues');

  await page.getByLabel('Search queues by name').fill('many-0042');
  await page.waitForFunction(() => document.querySelectorAll('#queues-table tbody tr').length === 10);
  const searched = await rowsOf(page);
  check(searched.every(([name]) => name.startsWith('many-0042')), JSON.stringify(searched));
  await shot(page, '08-search');

  await page.getByLabel('Search queues by name').fill('');
  await page.waitForFunction(() => document.querySelectorAll('#queues-table tbody tr').length === 20);
  const header = page.getByRole('columnheader', { name: 'Messages' });
  await header.getByRole('button').click();
  await page.waitForFunction(() => document.querySelector('#queues-table tbody tr')?.cells[3].textContent === '3');
  check(await header.getAttribute('aria-sort') === 'descending', 'the messages column sorts descending');
  const byMessagesDesc = (await rowsOf(page)).slice(0, 4);
  await shot(page, '09-sorted-by-messages');

  await header.getByRole('button').click();
  await page.waitForFunction(() => document.querySelector('#queues-table th[aria-sort="ascending"]'));
  await page.waitForFunction(() => document.querySelector('#queues-table tbody tr')?.cells[3].textContent === '0');
  const byMessagesAsc = (await rowsOf(page)).slice(0, 2);
  return { renderMillis, pageMillis, info, searched: searched.map(([n]) => n), byMessagesDesc, byMessagesAsc };
});
