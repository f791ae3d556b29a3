// The login page: a user name and password (HTTP Basic) or a token (Bearer), checked with
// /api/whoami before they are kept for the session.
import { request } from './api.js';
import { basic, remember, rights } from './auth.js';

/**
 * Shows the login page, with the reason it is shown (a failed login, a session that ended), if
 * any; once credentials check out, keeps them and calls `onLogin(user)` with /api/whoami's answer.
 */
export function showLogin(message, onLogin) {
  document.getElementById('app').hidden = true;
  document.getElementById('login').hidden = false;
  document.title = 'Junction · Log in';
  const form = document.getElementById('login-form');
  const said = document.getElementById('login-message');
  const say = (text) => {
    said.textContent = text ?? '';
    said.hidden = !text;
  };
  say(message);
  form.elements.user.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    say('');
    const token = form.elements.token.value.trim();
    const user = form.elements.user.value.trim();
    if (!token && !user) {
      say('Give a user name and its password, or a token.');
      button.disabled = false;
      return;
    }
    const authorization = token ? `Bearer ${token}` : basic(user, form.elements.password.value);
    let who;
    try {
      who = (await request('GET', '/whoami', undefined, { authorization })).data;
    } catch (e) {
      say(`Login failed: ${e.reason ?? e.message}${e.status ? ` (${e.status} ${e.code})` : ''}`);
      return;
    } finally {
      button.disabled = false;
    }
    if (!rights(who.tags).console) {
      say(noConsole(who));
      return;
    }
    remember(authorization);
    form.reset();
    await onLogin(who);
  });
}

export const noConsole = (user) => `User ${user.name} may not use the console: it needs the management, policymaker,`
  + ' monitoring or administrator tag.';
