// Sightline desk: the queue is live. The server pushes an event (a case id, never
// its content) from /desk/events the moment a change commits; the page then fetches
// its rows from /desk/rows, at most one fetch at a time (a burst of events becomes
// one more fetch after the one in flight). The stream starts after the change the
// page was rendered at (data-after), so nothing between the render and the stream
// is missed; EventSource reconnects by itself and the server replays what was missed
// (Last-Event-ID) or says "reset". If the stream keeps failing, the page fetches the
// rows every 30 seconds instead and tries the stream again after that. Without this
// script the page still works: it is rendered in full by the server, just not live.
const body = document.getElementById('queue-rows');
const status = document.getElementById('live-status');
const SLOW_POLL_MS = 30000;
const GIVE_UP_AFTER = 5; // errors in a row before the slow poll takes over

let after = body.dataset.after || '0';
let inFlight = false;
let again = false;
let slowPoll = null;
let shown = null; // the rows' HTML as last fetched

function say(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

async function refresh() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  try {
    do {
      again = false;
      const res = await fetch(`/desk/rows?${body.dataset.query}`, { credentials: 'same-origin' });
      if (res.ok && !res.redirected) {
        const html = await res.text();
        // Unchanged rows stay as they are (a focused link keeps its focus).
        if (html !== shown) {
          body.innerHTML = html;
          shown = html;
        }
        if (slowPoll) say('polling', status.dataset.polling + ' ' + new Date().toLocaleTimeString());
      } else if (res.status === 401 || res.redirected) {
        say('signin', status.dataset.signin);
        again = false;
      }
    } while (again);
  } catch {
    say('offline', status.dataset.offline);
  } finally {
    inFlight = false;
  }
}

function startSlowPoll() {
  if (slowPoll) return;
  slowPoll = setInterval(refresh, SLOW_POLL_MS);
  say('polling', status.dataset.polling);
}

function changed(e) {
  if (e.lastEventId) after = e.lastEventId;
  refresh();
}

function connect() {
  const events = new EventSource(`/desk/events?after=${encodeURIComponent(after)}`);
  let failures = 0;
  events.addEventListener('open', () => {
    failures = 0;
    if (slowPoll) {
      clearInterval(slowPoll);
      slowPoll = null;
    }
    say('live', status.dataset.live);
  });
  events.addEventListener('queue', changed);
  events.addEventListener('reset', changed);
  events.addEventListener('error', () => {
    failures += 1;
    if (events.readyState === EventSource.CLOSED || failures >= GIVE_UP_AFTER) {
      // The server refused the stream (signed out, too many tabs) or it keeps
      // failing: fetch the rows slowly instead, and try the stream again later
      // (after the last change this page saw).
      events.close();
      startSlowPoll();
      refresh();
      setTimeout(connect, SLOW_POLL_MS);
    } else {
      say('offline', status.dataset.offline);
    }
  });
}

if ('EventSource' in window) {
  connect();
} else {
  startSlowPoll();
}
