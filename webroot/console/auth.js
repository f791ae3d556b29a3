// Who uses the console. Credentials are kept for the browser tab only (sessionStorage, never
// localStorage or the URL) as the Authorization header the API takes; every request carries
// X-Requested-With, so that a refusal comes without a challenge and the browser opens no dialog
// of its own over the login form.

const CREDENTIALS = 'junction.authorization';
const LOGIN_REQUIRED = 'junction.login-required';
const MESSAGE = 'junction.login-message';

const MANAGEMENT_TAGS = ['management', 'policymaker', 'monitoring', 'administrator'];

/** The headers of every API call: the session's credentials, if any, and the script mark. */
export function authHeaders() {
  const headers = { 'X-Requested-With': 'XMLHttpRequest' };
  const authorization = sessionStorage.getItem(CREDENTIALS);
  if (authorization) headers.Authorization = authorization;
  return headers;
}

export const basic = (user, password) => {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
};

/** Whether the session logged in (rather than being let in anonymously). */
export const loggedIn = () => sessionStorage.getItem(CREDENTIALS) !== null;

/** Whether the login page must be shown even when anonymous access works (after a log out). */
export const loginRequired = () => sessionStorage.getItem(LOGIN_REQUIRED) !== null;

export function remember(authorization) {
  sessionStorage.setItem(CREDENTIALS, authorization);
  sessionStorage.removeItem(LOGIN_REQUIRED);
}

/** Forgets the credentials and reloads onto the login page, saying `message` there. */
export function toLoginPage(message = '') {
  sessionStorage.removeItem(CREDENTIALS);
  sessionStorage.setItem(LOGIN_REQUIRED, 'true');
  if (message) sessionStorage.setItem(MESSAGE, message);
  else sessionStorage.removeItem(MESSAGE);
  location.reload();
}

/** The message left for the login page (once). */
export function takeMessage() {
  const message = sessionStorage.getItem(MESSAGE);
  sessionStorage.removeItem(MESSAGE);
  return message;
}

/** What a user with these tags may see and do in the console. */
export function rights(tags) {
  return {
    console: tags.some((t) => MANAGEMENT_TAGS.includes(t)),
    administrator: tags.includes('administrator'),
    everyVhost: tags.includes('administrator') || tags.includes('monitoring'),
  };
}
