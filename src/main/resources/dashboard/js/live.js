// The page's one EventSource on /admin/v1/fleet/events, shared by every view: views subscribe to its events and
// are told which kinds arrived.

const EVENTS = ['fleet', 'registry', 'session'];
const RETRY_MS = 5000;

let source = null;
let retry = null;
const listeners = new Set();
let statusHandler = () => {};

/** Called with "live", "reconnecting" or "offline" as the stream's state changes. */
export function onStatus(handler) {
  statusHandler = handler;
}

/** Starts the stream (once); `check` is asked whether the session still holds when the stream fails for good. */
export function connect(check) {
  if (source) return;
  source = new EventSource('/admin/v1/fleet/events');
  source.onopen = () => statusHandler('live');
  for (const kind of EVENTS) {
    source.addEventListener(kind, event => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const listener of listeners) listener(kind, data);
    });
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      source = null;
      statusHandler('offline');
      retry = setTimeout(async () => {
        retry = null;
        if (await check()) connect(check);
      }, RETRY_MS);
    } else {
      statusHandler('reconnecting');
    }
  };
}

/** Stops the stream (on sign-out). */
export function disconnect() {
  clearTimeout(retry);
  retry = null;
  source?.close();
  source = null;
  statusHandler('');
}

/** Subscribes to the stream's events; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
