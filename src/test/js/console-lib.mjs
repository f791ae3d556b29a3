// What the console's browser tests share: a headless Chromium, pages that record their
// errors, screenshots under $SHOTS, and the end of a run (result JSON on the last line).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;

export async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/**
 * Runs `body(t)` with t = {page, problems, newPage()}: newPage() opens a page in a fresh
 * browser context (empty cache) and makes it t.page. Prints the result as the last line;
 * on any failure prints why, screenshots t.page as `<name>-failure` and exits 1.
 */
export async function run(name, body) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const t = {
    problems: [],
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      page.on('pageerror', (e) => t.problems.push(`page error: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') t.problems.push(`console error: ${m.text()}`); });
      t.page = page;
      return page;
    },
  };
  let code = 0;
  try {
    await t.newPage();
    const result = await body(t);
    console.log(JSON.stringify({ ...result, problems: t.problems }));
  } catch (e) {
    code = 1;
    console.error(e.stack ?? String(e));
    console.error(`problems: ${JSON.stringify(t.problems)}`);
    await shot(t.page, `${name}-failure`).catch(() => {});
  } finally {
    await browser.close();
  }
  process.exit(code);
}
