// The error banner: one visible place (role=alert) where a failed API call says why.

const banner = () => document.getElementById('error-banner');

/** Shows `what failed: reason (status code)` until dismissed or replaced. */
export function showError(what, err) {
  const el = banner();
  const reason = err?.reason ?? err?.message ?? String(err);
  const code = err?.status ? ` (${err.status} ${err.code})` : '';
  el.querySelector('.error-what').textContent = what;
  el.querySelector('.error-reason').textContent = reason;
  el.querySelector('.error-code').textContent = code;
  el.dataset.error = err?.code ?? 'error';
  el.hidden = false;
}

export function clearError() {
  const el = banner();
  el.hidden = true;
  delete el.dataset.error;
}

export function installErrorBanner() {
  banner().querySelector('button').addEventListener('click', clearError);
}
