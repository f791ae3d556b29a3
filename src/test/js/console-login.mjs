// The console's login and per-user views in headless Chromium, against a broker that lets no
// one in anonymously. Env: BASE, SHOTS, PASSWORD (every user's), and user names: ADMIN
// (administrator), MONITOR (monitoring, no permissions), MANAGER (management, permissions in
// vhost `team` only, configure `^team-`), LEAVER (management; the script changes its password),
// TAGLESS (no tags); TOKEN, a token of a `monitoring` user. Prints {login, challenge,
// wrongPassword, tagless, admin, monitoring, management, ended, token, storage, millis}.
import { BASE, check, run, shot } from './console-lib.mjs';

const password = process.env.PASSWORD;
const visibleRows = (page, id) => page.evaluate((tableId) => [...document.querySelectorAll(`#${tableId} tbody tr`)]
  .map((tr) => tr.cells[0].textContent), id);

run('console-login', async ({ page }) => {
  const challenges = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/api/whoami') && r.status() === 401) challenges.push(r.headers()['www-authenticate'] ?? null);
  });
  const form = page.getByRole('form', { name: 'Log in' });

  async function logIn(user, secret) {
    await form.getByLabel('User name').fill(user);
    await form.getByLabel('Password').fill(secret);
    await form.getByRole('button', { name: 'Log in' }).click();
  }

  async function logOut() {
    await page.getByRole('button', { name: 'Log out' }).click();
    await form.waitFor();
  }

  async function asUser(user) {
    await logIn(user, password);
    await page.locator('#user-name').filter({ hasText: user }).waitFor();
    await page.locator('#stream-status[data-state="live"]').waitFor();
  }

  // How long each step below took, cumulative (ms).
  const began = Date.now();
  const millis = [];

  // 1. No anonymous access: the login page, with no browser dialog asked for.
  await page.goto(`${BASE}/#queues`);
  await form.waitFor();
  const login = await page.title();
  await shot(page, '20-login');

  millis.push(Date.now() - began);
  // 2. A wrong password: the form says why, and the page stays on it.
  await logIn(process.env.ADMIN, 'not-the-password');
  const message = page.getByRole('alert').filter({ hasText: 'Login failed' });
  await message.waitFor();
  const wrongPassword = (await message.textContent()).trim();
  await shot(page, '21-wrong-password');

  // A user without a management tag checks out, but may not use the console: it is told so.
  await logIn(process.env.TAGLESS, password);
  const refusedUser = page.getByRole('alert').filter({ hasText: 'may not use the console' });
  await refusedUser.waitFor();
  const tagless = (await refusedUser.textContent()).trim();

  millis.push(Date.now() - began);
  // 3. The administrator: the Users view, its forms, the object forms.
  await asUser(process.env.ADMIN);
  const storage = await page.evaluate(() => ({
    session: Object.keys(sessionStorage), local: Object.keys(localStorage), url: location.href,
  }));
  await page.getByRole('link', { name: 'Users' }).click();
  const users = page.getByRole('table', { name: 'Users' });
  await users.getByRole('cell', { name: process.env.MONITOR, exact: true }).waitFor();
  const admin = {
    users: await visibleRows(page, 'users-list'),
    userForm: await page.getByRole('form', { name: 'Add or update a user' }).isVisible(),
    permissionForm: await page.getByRole('form', { name: 'Set permissions in this virtual host' }).isVisible(),
  };
  await shot(page, '22-administrator-users');
  // A reload keeps the session (sessionStorage), then logging out ends it.
  await page.reload();
  await page.locator('#user-name').filter({ hasText: process.env.ADMIN }).waitFor();
  admin.afterReload = await page.locator('#user-name').textContent();
  await logOut();

  millis.push(Date.now() - began);
  // 4. The monitoring user: every vhost's queues, no Users view, no admin forms, and the forms
  // of a vhost it has no permissions in disabled.
  await asUser(process.env.MONITOR);
  await page.getByRole('link', { name: 'Queues' }).click();
  await page.getByRole('table', { name: 'Queues' }).getByRole('cell', { name: 'root-q', exact: true }).waitFor();
  const monitoring = {
    vhosts: await page.locator('#vhost option').allTextContents(),
    queues: await visibleRows(page, 'queues-table'),
    usersLink: await page.getByRole('link', { name: 'Users' }).count(),
    adminForms: await page.locator('#put-user, #put-permission, #delete-user').count(),
  };
  const declare = page.getByRole('form', { name: 'Declare a queue' });
  monitoring.declareDisabled = await declare.getByRole('button', { name: 'Declare queue' }).isDisabled();
  monitoring.publishDisabled = await page.locator('#publish button').isDisabled();
  monitoring.note = await page.locator('#no-permissions').textContent();
  await shot(page, '23-monitoring-forms-disabled');
  await logOut();

  millis.push(Date.now() - began);
  // 5. The management user of vhost `team`: that vhost only, its queues only; a declaration its
  // permissions refuse shows the API's error.
  await asUser(process.env.MANAGER);
  await page.getByRole('link', { name: 'Queues' }).click();
  await page.getByRole('table', { name: 'Queues' }).getByRole('cell', { name: 'team-q', exact: true }).waitFor();
  const management = {
    vhosts: await page.locator('#vhost option').allTextContents(),
    queues: await visibleRows(page, 'queues-table'),
    usersLink: await page.getByRole('link', { name: 'Users' }).count(),
    banner: await page.locator('#error-banner').isVisible(),
    note: await page.locator('#no-permissions').isVisible(),
  };
  await declare.getByLabel('Name', { exact: true }).fill('other-q');
  await declare.getByRole('button', { name: 'Declare queue' }).click();
  const banner = page.locator('#error-banner');
  await banner.filter({ hasText: 'access_refused' }).waitFor();
  management.refused = (await banner.textContent()).replace(/\s+/g, ' ').trim();
  await shot(page, '24-management-refused');

  millis.push(Date.now() - began);
  // 6. Logging out returns to the login page, and the credentials are gone.
  await logOut();
  await page.reload();
  await form.waitFor();
  management.afterLogout = { title: await page.title(), session: await page.evaluate(() => Object.keys(sessionStorage)) };
  check(await page.locator('#app').isHidden(), 'the console is hidden after logging out');
  await shot(page, '25-logged-out');

  millis.push(Date.now() - began);
  // 7. A session whose credentials stop working (the password changed) ends on the login page.
  await asUser(process.env.LEAVER);
  const changed = await fetch(`${BASE}/api/users/${process.env.LEAVER}`, {
    method: 'PUT',
    headers: { Authorization: `Basic ${btoa(`${process.env.ADMIN}:${password}`)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ password: 'changed-elsewhere', tags: 'management' }),
  });
  check(changed.status === 204, `changing the password answered ${changed.status}`);
  await page.getByRole('link', { name: 'Exchanges' }).click();
  await form.waitFor();
  const ended = (await page.locator('#login-message').textContent()).trim();
  await shot(page, '26-session-ended');

  millis.push(Date.now() - began);
  // 8. A token, in the form's token field, then handed over in the URL (which it leaves at once).
  await form.getByLabel('Or a token').fill(process.env.TOKEN);
  await form.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#stream-status[data-state="live"]').waitFor();
  const token = { fromForm: await page.locator('#user-name').textContent() };
  await logOut();
  await page.goto(`${BASE}/?access_token=${encodeURIComponent(process.env.TOKEN)}#queues`);
  await page.getByRole('table', { name: 'Queues' }).getByRole('cell', { name: 'root-q', exact: true }).waitFor();
  token.handedOver = await page.locator('#user-name').textContent();
  token.url = page.url();
  token.queues = await visibleRows(page, 'queues-table');
  await shot(page, '27-token-handed-over');

  millis.push(Date.now() - began);
  return {
    login, challenge: challenges, wrongPassword, tagless, admin, monitoring, management, ended, token, storage, millis,
  };
});
