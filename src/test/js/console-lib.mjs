// What the console's browser tests share: a headless Chromium, a page that records its
// console errors, screenshots under $SHOTS, and the end of a run (result JSON on the last line).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;

export async function openBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  return { browser, page, problems };
}

export async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Runs `body({page, problems})`; prints its result as the last line; exits 1 on any failure. */
export async function run(name, body) {
  const { browser, page, problems } = await openBrowser();
  let code = 0;
  try {
    const result = await body({ page, problems });
    console.log(JSON.stringify({ ...result, problems }));
  } catch (e) {
    code = 1;
    console.error(e.stack ?? String(e));
    console.error(`problems: ${JSON.stringify(problems)}`);
    await shot(page, `${name}-failure`).catch(() => {});
  } finally {
    await browser.close();
  }
  process.exit(code);
}
