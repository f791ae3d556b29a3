// A Server-Sent Events stream read with fetch rather than EventSource, which cannot send the
// Authorization header: the credentials stay out of the URL, and a 401 is seen as one (an
// EventSource only sees an error, and retries for ever).
import { authHeaders, toLoginPage } from './auth.js';

const RETRY_MS = 2000;

/**
 * Reads /api{path} until `stop()`: onOpen() when it answers, onData(json) per event,
 * onDown() when it fails or ends, after which it reconnects in RETRY_MS (or the stream's `retry:`).
 */
export function eventStream(path, { onOpen, onData, onDown }) {
  const abort = new AbortController();
  let retry = RETRY_MS;

  async function read() {
    const res = await fetch(`/api${path}`, {
      headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: abort.signal, cache: 'no-store',
    });
    if (res.status === 401) {
      const body = await res.json().catch(() => null);
      abort.abort();
      toLoginPage(`Logged out: ${body?.reason ?? 'the broker refused the credentials'}`);
      return;
    }
    if (!res.ok) throw new Error(`the stream answered ${res.status}`);
    onOpen();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replaceAll('\r\n', '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(event) {
    const data = [];
    for (const line of event.split('\n')) {
      if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      else if (line.startsWith('retry:')) retry = Number(line.slice(6)) || retry;
    }
    if (data.length) onData(JSON.parse(data.join('\n')));
  }

  (async () => {
    while (!abort.signal.aborted) {
      try {
        await read();
      } catch (e) {
        if (abort.signal.aborted) return;
      }
      if (abort.signal.aborted) return;
      onDown();
      await new Promise((resolve) => { setTimeout(resolve, retry); });
    }
  })();
  return { stop: () => abort.abort() };
}
