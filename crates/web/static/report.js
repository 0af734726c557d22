// Sightline report page: the offline outbox, the decision step and the relay
// message. Hand-written, no build step. Works with the service worker (sw.js) so the
// page opens and reports can be filed with no network; they are sent when possible.
const data = JSON.parse(document.getElementById('client-data').textContent);
const T = data.text;
const form = document.getElementById('report-form');
const $ = (id) => document.getElementById(id);

// ---- ids and references ---------------------------------------------------------
export function uuidv7() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ts = Date.now();
  for (let i = 5; i >= 0; i--) { b[i] = ts % 256; ts = Math.floor(ts / 256); }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The same short reference the server derives: base32 of the id's last five bytes.
export function shortReference(id) {
  const hex = id.replace(/-/g, '');
  const bytes = [];
  for (let i = 22; i < 32; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0, out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte; bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.slice(0, 8);
}

// ---- the relay message (same format and trimming as the server) ---------------------
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export function relayMessage(p, reference) {
  const [, m, d] = (p.date || '0000-01-01').split('-');
  const codes = orderedIndicators(p.indicators).map((c) => data.indicators[c]?.short).filter(Boolean);
  const render = (seats, inds) => {
    let s = `SUSPECTED HUMAN TRAFFICKING ${p.flight} ${String(Number(d)).padStart(2, '0')}${MONTHS[Number(m) - 1] || 'JAN'} ` +
      `${p.origin}-${p.destination} ${p.immediate_danger ? 'URG' : 'NOURG'} REF ${reference} PAX ${p.potential_victims}+${p.companions}`;
    if (p.disclosed) s += ' DISC';
    if (seats > 0) s += ' SEAT ' + p.seats.slice(0, seats).join(' ');
    if (inds > 0) s += ' IND ' + codes.slice(0, inds).join(' ');
    return s;
  };
  let seats = p.seats.length, inds = codes.length, text = render(seats, inds);
  while (text.length > 220 && inds > 0) text = render(seats, --inds);
  while (text.length > 220 && seats > 0) text = render(--seats, inds);
  return text;
}

function orderedIndicators(codes) {
  const core = codes.filter((c) => data.indicators[c]?.core);
  return core.concat(codes.filter((c) => !data.indicators[c]?.core));
}

// ---- reading the form -----------------------------------------------------------------
function person(prefix) {
  const age = form.elements[`${prefix}_age`].value, gender = form.elements[`${prefix}_gender`].value;
  const clothing = form.elements[`${prefix}_clothing`].value.trim();
  return age === 'unknown' && gender === 'unknown' && !clothing ? [] : [{ age_range: age, gender, clothing }];
}

function payload() {
  const f = form.elements;
  const up = (s) => s.replace(/\s+/g, '').toUpperCase();
  return {
    reporter_role: f.reporter_role.value,
    phase: f.phase.value,
    flight: up(f.flight.value),
    date: f.date.value,
    origin: up(f.origin.value),
    destination: up(f.destination.value),
    scheduled_arrival: f.scheduled_arrival.value,
    seats: f.seats.value.split(/[\s,;]+/).filter(Boolean).map((s) => s.toUpperCase()),
    potential_victims: Number(f.potential_victims.value || 1),
    companions: Number(f.companions.value || 0),
    indicators: [...form.querySelectorAll('input[name=indicator]:checked')].map((i) => i.value),
    victims: person('victim'),
    companions_described: person('companion'),
    disclosed: f.disclosed.checked,
    companion_aware: f.companion_aware.value,
    immediate_danger: f.immediate_danger.checked,
    free_text: f.free_text.value,
    considered_innocent_explanations: f.considered.checked,
    client_created_at: new Date().toISOString(),
  };
}

// ---- the decision step ---------------------------------------------------------------
function el(tag, text, cls) { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }

function renderDecision() {
  const box = $('decision-dynamic');
  box.replaceChildren();
  const p = payload();
  if (p.immediate_danger) {
    box.append(el('p', p.phase === 'in_flight' ? T['guidance-urgent-air'] : T['guidance-urgent-ground'], 'alert error'));
  }
  if (p.indicators.length === 0) {
    box.append(el('p', T['report-review-none'], 'small'));
  } else {
    box.append(el('h3', T['report-innocent-heading']));
    const ul = el('ul', null, 'weigh');
    for (const code of orderedIndicators(p.indicators)) {
      const ind = data.indicators[code];
      const li = el('li');
      li.append(el('strong', ind.label));
      const inner = el('ul');
      for (const x of ind.innocent) inner.append(el('li', x));
      li.append(inner);
      ul.append(li);
    }
    box.append(ul);
  }
  const role = p.reporter_role;
  const key = p.phase === 'in_flight' ? (role === 'flight_deck' ? 'guidance-flight-deck' : 'guidance-in-flight') : 'guidance-ground';
  box.append(el('p', T[key], 'guidance-now'));
}

// ---- the outbox (IndexedDB) ----------------------------------------------------------
function openDb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open('sightline-outbox', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('outbox', { keyPath: 'id' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function store(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction('outbox', mode);
    const result = fn(t.objectStore('outbox'));
    t.oncomplete = () => resolve(result.result);
    t.onerror = () => reject(t.error);
  });
}
export const outbox = {
  put: (entry) => store('readwrite', (s) => s.put(entry)),
  all: () => store('readonly', (s) => s.getAll()),
};

let sending = false;
let backoff = 5000;
let timer = null;

export async function flush() {
  if (sending) return;
  sending = true;
  let note = '';
  try {
    for (const entry of await outbox.all()) {
      if (entry.status !== 'queued') continue;
      let res;
      try {
        res = await fetch(`/api/v1/reports/${entry.id}`, {
          method: 'PUT',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': $('csrf').value },
          body: JSON.stringify(entry.payload),
        });
      } catch {
        note = T['outbox-offline'];
        break;
      }
      if (res.ok) {
        const receipt = await res.json();
        // Confirmed: keep only the reference and the status, never the content.
        await outbox.put({ id: entry.id, status: 'sent', reference: receipt.reference, flight: entry.flight, relay: null });
      } else if (res.status === 401 || res.status === 403) {
        note = T['outbox-sign-in'];
        break;
      } else if (res.status === 409 || res.status === 422) {
        let msg = res.status === 409 ? T['outbox-conflict'] : T['outbox-invalid'];
        try { const e = await res.json(); if (res.status === 422 && e.error?.field) msg += ` (${e.error.field})`; } catch { /* keep msg */ }
        await outbox.put({ ...entry, status: 'attention', error: msg });
      } else {
        note = T['outbox-offline'];
        break;
      }
    }
  } finally {
    sending = false;
  }
  await renderOutbox(note);
  const waiting = (await outbox.all()).some((e) => e.status === 'queued');
  clearTimeout(timer);
  if (waiting) {
    timer = setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, 300000);
  } else {
    backoff = 5000;
  }
}

async function renderOutbox(note) {
  const entries = (await outbox.all()).sort((a, b) => (a.id < b.id ? 1 : -1));
  const list = $('outbox-list');
  list.replaceChildren();
  for (const e of entries) {
    const li = el('li', null, `outbox-item ${e.status}`);
    li.dataset.status = e.status;
    li.append(el('span', e.reference || shortReference(e.id), 'ref'));
    li.append(el('span', e.flight || '', 'flight'));
    li.append(el('span', T[`outbox-${e.status === 'attention' ? 'attention' : e.status}`], 'state'));
    if (e.error) li.append(el('span', e.error, 'error-text'));
    list.append(li);
  }
  $('outbox-panel').hidden = entries.length === 0;
  $('outbox-note').textContent = note || '';
  if (note === T['outbox-sign-in']) {
    const a = el('a', ' →'); a.href = '/login'; $('outbox-note').append(a);
  }
}

// ---- wiring -----------------------------------------------------------------------
form.addEventListener('change', renderDecision);
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const p = payload();
  if (!p.considered_innocent_explanations) {
    renderDecision();
    $('considered').focus();
    $('considered_innocent_explanations').classList.add('needs');
    return;
  }
  const id = $('report-id').value;
  const reference = shortReference(id);
  const relay = relayMessage(p, reference);
  await outbox.put({ id, payload: p, status: 'queued', reference, flight: `${p.flight} ${p.date}` });
  $('relay-text').value = relay;
  $('relay-panel').hidden = false;
  const urgent = $('relay-urgent');
  urgent.hidden = !p.immediate_danger;
  urgent.textContent = p.phase === 'in_flight' ? T['guidance-urgent-air'] : T['guidance-urgent-ground'];
  form.hidden = true;
  $('relay-panel').scrollIntoView();
  await flush();
});
$('new-report').addEventListener('click', () => {
  // Keep the flight context; clear everything about people.
  for (const name of ['seats', 'free_text', 'victim_clothing', 'companion_clothing']) form.elements[name].value = '';
  for (const i of form.querySelectorAll('input[type=checkbox]')) i.checked = false;
  $('report-id').value = uuidv7();
  $('relay-panel').hidden = true;
  form.hidden = false;
  renderDecision();
  window.scrollTo(0, 0);
});
$('copy-relay').addEventListener('click', async () => {
  const t = $('relay-text');
  try { await navigator.clipboard.writeText(t.value); } catch { t.select(); document.execCommand('copy'); }
  $('copy-status').textContent = T['report-relay-copied'];
});
$('send-now').addEventListener('click', () => { backoff = 5000; flush(); });
$('quick-exit').addEventListener('click', (ev) => {
  ev.preventDefault();
  form.reset();
  $('relay-text').value = '';
  location.replace('/quick-exit');
});
window.addEventListener('online', () => { backoff = 5000; flush(); });
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });

// A page loaded from the cache may carry an id that was already used: start fresh.
$('report-id').value = uuidv7();
renderDecision();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
flush();
window.sightline = { flush, outbox, relayMessage, shortReference };
