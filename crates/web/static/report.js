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

// ---- the report's rules (the same as the server's: crates/domain/src/report.rs) -------
// Checked against the domain's parser by the shared vectors in
// crates/web/tests/web/report_vectors.json (a Rust test and a Chromium test).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const isDigit = (c) => c >= '0' && c <= '9';
const isUpper = (c) => c >= 'A' && c <= 'Z';
const isAlnum = (c) => isDigit(c) || isUpper(c);
const chars = (s) => [...s];
const upperAscii = (s) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

class Problem { constructor(field, code) { this.field = field; this.code = code; } }
const fail = (field, code) => { throw new Problem(field, code); };
function attempt(fn) { try { return { ok: fn() }; } catch (e) { if (e instanceof Problem) return { err: e }; throw e; } }

function oneLine(field, s) { if (CONTROL.test(s)) fail(field, 'control-characters'); return s; }

function checkText(s, field, max) {
  if (TEXT_CONTROL.test(s)) fail(field, 'control-characters');
  const t = s.trim().replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  if (chars(t).length > max) fail(field, 'too-long');
  return t;
}

export function typedToken(input, max, hyphen) {
  return chars(upperAscii(input)).filter((c) => isAlnum(c) || (hyphen && c === '-')).slice(0, max).join('');
}

function flightDigits(d) {
  if (d.length === 0 || d.length > 4 || !chars(d).every(isDigit)) return null;
  const t = d.replace(/^0+/, '');
  return t === '' ? null : t;
}

// IATA flight number (AY5), ICAO call sign (FIN5) or registration (N123AB, OH-LVA), normalised.
export function parseFlight(input) {
  const s = upperAscii(input.replace(/\s/g, ''));
  const bad = () => fail('flight', 'invalid-flight');
  if (!/^[\x00-\x7f]*$/.test(s) || s.length > 8) bad();
  const alnum = (x) => x.length > 0 && chars(x).every(isAlnum);
  const dash = s.indexOf('-');
  if (dash >= 0) {
    const mark = s.slice(0, dash), rest = s.slice(dash + 1);
    const ok = mark.length >= 1 && mark.length <= 2 && alnum(mark) && chars(mark).some(isUpper) &&
      rest.length >= 1 && rest.length <= 5 && alnum(rest);
    return ok ? s : bad();
  }
  if (!alnum(s)) bad();
  if (s.length >= 2 && s[0] === 'N' && s[1] >= '1' && s[1] <= '9') {
    const tail = s.slice(1);
    const letters = tail.length - tail.replace(/[A-Z]+$/, '').length;
    if (tail.length <= 5 && letters <= 2 && chars(tail.slice(0, tail.length - letters)).every(isDigit)) return s;
  }
  if (s.length >= 4 && chars(s.slice(0, 3)).every(isUpper)) {
    const tail = s.slice(3);
    const letters = tail.length - tail.replace(/[A-Z]+$/, '').length;
    const n = letters <= 2 ? flightDigits(tail.slice(0, tail.length - letters)) : null;
    return n ? s.slice(0, 3) + n + tail.slice(tail.length - letters) : bad();
  }
  if (s.length >= 3 && !(isDigit(s[0]) && isDigit(s[1]))) {
    const tail = s.slice(2);
    const suffix = isUpper(tail[tail.length - 1]) ? 1 : 0;
    const n = flightDigits(tail.slice(0, tail.length - suffix));
    if (n) return s.slice(0, 2) + n + tail.slice(tail.length - suffix);
  }
  return bad();
}

function parseSeat(input) {
  const s = upperAscii(input.trim());
  const ok = s.length >= 2 && s.length <= 4 && chars(s.slice(0, -1)).every(isDigit) && isUpper(s[s.length - 1]) && s[0] !== '0';
  return ok ? s : fail('seats', 'invalid-seat');
}

const small = (x) => /^(\+?\d+)$/.test(x);
function parseDate(s) {
  const parts = s.trim().split('-');
  if (parts.length !== 3 || !parts.every(small)) fail('date', 'invalid-date');
  const [y, m, d] = parts.map(Number);
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < -9999 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) fail('date', 'invalid-date');
  return { y, m, d };
}

function parseHhmm(s) {
  const bad = () => fail('scheduled_arrival', 'invalid-time');
  const t = s.trim(), i = t.indexOf(':');
  if (i < 0) bad();
  const h = t.slice(0, i), m = t.slice(i + 1);
  const two = (x) => new TextEncoder().encode(x).length === 2 && /^(\+\d|\d\d)$/.test(x);
  if (!two(h) || !two(m) || Number(h) > 23 || Number(m) > 59) bad();
  return { h: Number(h), mi: Number(m) };
}

// RFC 3339 as the server's `time` crate reads it; the instant in ms, or null.
function parseRfc3339(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) return null;
  try { parseDate(`${m[1]}-${m[2]}-${m[3]}`); } catch { return null; }
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return null;
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  const off = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), frac) - off * 60000;
}

function zoneOffset(tz, ms) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second)) - ms;
}

// A local time in an IANA zone as an instant (ms): in a gap the later reading, in a fold the earlier.
export function localToInstant(day, t, tz) {
  const local = Date.UTC(day.y, day.m - 1, day.d, t.h, t.mi);
  let before, after;
  try { before = zoneOffset(tz, local - 86400000); after = zoneOffset(tz, local + 86400000); } catch { fail('scheduled_arrival', 'invalid-time'); }
  const fits = [local - before, local - after].filter((c) => zoneOffset(tz, c) === local - c);
  return fits.length ? Math.min(...fits) : local - before;
}

// Check every rule; the report as the server will store it, with every error or (urgent) flag.
export function validate(input, airports = data.airportsCache) {
  const errors = [], flags = [];
  const lenient = !!input.immediate_danger;
  const same = (a, b) => a.field === b.field && a.code === b.code;
  const take = (fn, fallback) => {
    const r = attempt(fn);
    if (!r.err) return { v: r.ok };
    if (lenient && r.err.code !== 'control-characters') {
      if (!flags.some((f) => same(f, r.err))) flags.push(r.err);
      return { v: fallback() };
    }
    errors.push(r.err);
    return null;
  };
  const note = (field, code) => take(() => fail(field, code), () => null);
  const str = (x) => (typeof x === 'string' ? x : '');
  const oneOf = (field, list) => () => { const v = oneLine(field, str(input[field])); return list.includes(v) ? v : fail(field, 'unknown-value'); };
  const r = {};
  r.reporter_role = take(oneOf('reporter_role', data.enums.reporter_role), () => 'other');
  r.phase = take(oneOf('phase', data.enums.phase), () => 'other');
  const client = take(() => {
    const raw = input.client_created_at;
    if (raw === null || raw === undefined) return null;
    const s = oneLine('client_created_at', raw).trim();
    if (s === '') return null;
    if (new TextEncoder().encode(s).length > data.limits.client_time) fail('client_created_at', 'too-long');
    return parseRfc3339(s) === null ? fail('client_created_at', 'invalid-timestamp') : s;
  }, () => null);
  const deviceDay = client && client.v ? parseDate(client.v.slice(0, 10)) : null;
  const d = attempt(() => parseDate(oneLine('date', str(input.date))));
  if (d.err) {
    if (d.err.code !== 'control-characters' && lenient && deviceDay) r.date = take(() => { throw d.err; }, () => deviceDay);
    else errors.push(d.err);
  } else r.date = { v: d.ok };
  const airport = (code, field) => {
    if (code.trim() === '') return take(() => fail(field, 'required'), () => 'ZZZ');
    return take(() => {
      oneLine(field, code);
      const c = upperAscii(code.trim());
      if (!/^[A-Z]{3}$/.test(c)) fail(field, 'invalid-airport');
      if (airports && !(c in airports)) fail(field, 'unknown-airport');
      return c;
    }, () => typedToken(code, 8, false) || 'ZZZ');
  };
  const flightText = str(input.flight), origin = str(input.origin), destination = str(input.destination);
  const onFlight = [flightText, origin, destination].some((s) => s.trim() !== '');
  r.flight = flightText.trim() === '' ? { v: null } : take(() => parseFlight(oneLine('flight', flightText)), () => typedToken(flightText, 10, true) || null);
  const place = str(input.place);
  r.place = take(() => checkText(place, 'place', data.limits.place).replace(/[\n\t]/g, ' '), () => chars(place).slice(0, data.limits.place).join(''));
  if (onFlight) {
    r.origin = airport(origin, 'origin');
    r.destination = airport(destination, 'destination');
  } else {
    r.origin = r.destination = airport(str(input.airport), 'airport');
  }
  r.arrival = arrival(input, take, lenient, errors, r.date?.v, r.destination?.v, airports);
  const given = (input.seats || []).filter((s) => str(s).trim() !== '');
  if (given.length > data.limits.seats) note('seats', 'too-many');
  const seats = [];
  let seatsOk = true;
  for (const s of given.slice(0, data.limits.seats)) {
    const x = take(() => parseSeat(oneLine('seats', s)), () => typedToken(s, 5, false) || null);
    if (!x) seatsOk = false; else if (x.v) seats.push(x.v);
  }
  r.seats = seatsOk ? { v: seats } : null;
  const count = (field, min) => {
    const n = input[field];
    return take(() => (Number.isInteger(n) && n >= min && n <= data.limits.persons ? n : fail(field, 'out-of-range')),
      () => Math.min(Math.max(Number.isInteger(n) ? n : min, min), data.limits.persons));
  };
  r.potential_victims = count('potential_victims', 1);
  r.companions = count('companions', 0);
  const codes = [];
  const inds = input.indicators || [];
  if (inds.length > data.limits.indicators) note('indicators', 'too-many');
  for (const code of inds.slice(0, data.limits.indicators)) {
    if (CONTROL.test(code)) note('indicators', 'control-characters');
    else if (!data.indicators[code]) note('indicators', 'unknown-indicator');
    else if (!codes.includes(code)) codes.push(code);
  }
  r.indicators = { v: orderedIndicators(codes) };
  const people = (field) => {
    const list = input[field] || [];
    if (list.length > data.limits.persons) note(field, 'too-many');
    const out = [];
    for (const p of list.slice(0, data.limits.persons)) {
      const c = take(() => checkText(str(p.clothing), field, data.limits.clothing), () => chars(str(p.clothing).trim()).slice(0, data.limits.clothing).join(''));
      if (!c) return null;
      out.push({ ...p, clothing: c.v });
    }
    return { v: out };
  };
  r.victims = people('victims');
  r.companions_described = people('companions_described');
  r.companion_aware = take(oneOf('companion_aware', data.enums.companion_aware), () => 'unknown');
  const freeText = str(input.free_text);
  r.free_text = take(() => checkText(freeText, 'free_text', data.limits.text), () => chars(freeText.trim()).slice(0, data.limits.text).join(''));
  if (codes.length === 0 && !input.disclosed && !input.immediate_danger && freeText.trim() === '') note('indicators', 'nothing-reported');
  if (!input.considered_innocent_explanations) note('considered_innocent_explanations', 'must-confirm');
  const pair = (e) => [e.field, e.code];
  if (errors.length) return { errors: errors.map(pair), flags: [], report: null };
  const report = Object.fromEntries(Object.entries(r).map(([k, x]) => [k, x ? x.v : null]));
  Object.assign(report, { onFlight, disclosed: !!input.disclosed, immediate_danger: !!input.immediate_danger });
  return { errors: [], flags: flags.map(pair), report };
}

function arrival(input, take, lenient, errors, date, destination, airports) {
  const F = 'scheduled_arrival';
  const ad = typeof input.arrival_date === 'string' ? input.arrival_date : '';
  const day = take(() => {
    if (ad.trim() === '') return date ?? null;
    try { return parseDate(oneLine('arrival_date', ad)); } catch (e) { if (e instanceof Problem) fail('arrival_date', e.code); throw e; }
  }, () => date ?? null);
  if (!day) return null;
  const raw = typeof input.scheduled_arrival === 'string' ? input.scheduled_arrival : '';
  if (CONTROL.test(raw)) { errors.push(new Problem(F, 'control-characters')); return null; }
  const text = raw.trim();
  if (text === '') return { v: null };
  if (new TextEncoder().encode(text).length > data.limits.client_time) return take(() => fail(F, 'invalid-time'), () => null);
  const instant = parseRfc3339(text);
  if (instant !== null) return { v: instant };
  const t = text.indexOf('T');
  const civil = attempt(() => {
    let d = day.v, hhmm = text;
    if (t >= 0) {
      try { d = parseDate(text.slice(0, t)); } catch { fail(F, 'invalid-time'); }
      hhmm = text.slice(t + 1);
    }
    return { d, time: parseHhmm(hhmm) };
  });
  if (civil.err) return take(() => { throw civil.err; }, () => null);
  const { d, time } = civil.ok;
  if (!d) return { v: null };
  const tz = destination && airports && airports[destination];
  if (tz) return take(() => localToInstant(d, time, tz), () => null);
  // The airport list could not be loaded: the server converts the time; no ETA here.
  if (destination && !airports) return { v: null };
  if (!lenient) return null;
  return take(() => fail(F, 'assumed-utc'), () => Date.UTC(d.y, d.m - 1, d.d, time.h, time.mi));
}

// ---- the relay message v2 (same format and trimming as the server; docs/relay-message.md) ----
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const pad = (n) => String(n).padStart(2, '0');
export function relayMessage(r, reference, codeword = data.codeword) {
  const codes = r.indicators.map((c) => data.indicators[c]?.short).filter(Boolean);
  const route = r.flight || r.origin !== r.destination ? `${r.origin}-${r.destination}` : r.origin;
  let head = `${codeword} ${r.flight || 'NOFLT'} ${pad(r.date.d)}${MONTHS[r.date.m - 1]} ${route} ` +
    `${r.immediate_danger ? 'URG' : 'NOURG'} REF ${reference} PAX ${r.potential_victims}+${r.companions}`;
  if (r.arrival !== null && r.arrival !== undefined) {
    const e = new Date(r.arrival);
    head += ` ETA ${pad(e.getUTCDate())}${pad(e.getUTCHours())}${pad(e.getUTCMinutes())}Z`;
  }
  if (r.companion_aware === 'yes') head += ' AWARE';
  if (r.disclosed) head += ' DISC';
  const list = (word, items, kept) => (items.length === 0 ? '' :
    ` ${word}${kept > 0 ? ' ' + items.slice(0, kept).join(' ') : ''}${items.length > kept ? ` +${items.length - kept}` : ''}`);
  const render = (seats, inds) => head + list('SEAT', r.seats, seats) + list('IND', codes, inds);
  let seats = r.seats.length, inds = codes.length, text = render(seats, inds);
  while (text.length > 220 && inds > 0) text = render(seats, --inds);
  while (text.length > 220 && seats > 0) text = render(--seats, inds);
  return text;
}

function orderedIndicators(codes) {
  const core = codes.filter((c) => data.indicators[c]?.core);
  return core.concat(codes.filter((c) => !data.indicators[c]?.core));
}

// ---- the free-text guard: words about origin, from content/free-text-guard.toml -----------
export function guardMatches(text) {
  const words = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  return data.guard.filter((entry) => {
    const parts = entry.split(' ');
    for (let i = 0; i + parts.length <= words.length; i++) {
      if (parts.every((p, j) => (p.endsWith('*') ? words[i + j].startsWith(p.slice(0, -1)) : words[i + j] === p))) return true;
    }
    return false;
  });
}

function guard(field) {
  const noteEl = $(`${field}-guard`);
  if (!noteEl) return;
  const hits = guardMatches(form.elements[field].value);
  noteEl.hidden = hits.length === 0;
  noteEl.textContent = hits.length ? `${T['report-guard']} (${hits.map((h) => h.replace('*', '…')).join(', ')})` : '';
}

// ---- reading and filling the form -----------------------------------------------------
function person(prefix) {
  const age = form.elements[`${prefix}_age`].value, gender = form.elements[`${prefix}_gender`].value;
  const clothing = form.elements[`${prefix}_clothing`].value.trim();
  return age === 'unknown' && gender === 'unknown' && !clothing ? [] : [{ age_range: age, gender, clothing }];
}

const count = (v) => { const n = Number(v === '' ? NaN : v); return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 255; };

function payload() {
  const f = form.elements;
  const up = (s) => s.replace(/\s+/g, '').toUpperCase();
  const terminal = f.where.value === 'terminal';
  return {
    reporter_role: f.reporter_role.value,
    phase: f.phase.value,
    flight: terminal ? '' : up(f.flight.value),
    date: f.date.value,
    origin: terminal ? '' : up(f.origin.value),
    destination: terminal ? '' : up(f.destination.value),
    airport: terminal ? up(f.airport.value) : '',
    place: terminal ? f.place.value : '',
    arrival_date: terminal ? '' : f.arrival_date.value,
    scheduled_arrival: terminal ? '' : f.scheduled_arrival.value,
    seats: f.seats.value.split(/[\s,;]+/).filter(Boolean).map((s) => s.toUpperCase()),
    potential_victims: f.potential_victims.value === '' ? 1 : count(f.potential_victims.value),
    companions: f.companions.value === '' ? 0 : count(f.companions.value),
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

// Put a kept draft back into the form (to fix what the server refused).
function loadDraft(p) {
  const f = form.elements;
  const set = (name, v) => { if (f[name]) f[name].value = v ?? ''; };
  f.where.value = p.flight || p.origin || p.destination ? 'flight' : (p.airport ? 'terminal' : 'flight');
  for (const k of ['reporter_role', 'phase', 'flight', 'date', 'origin', 'destination', 'airport', 'place', 'arrival_date', 'scheduled_arrival', 'companion_aware', 'free_text']) set(k, p[k]);
  set('seats', (p.seats || []).join(' '));
  set('potential_victims', p.potential_victims);
  set('companions', p.companions);
  for (const [prefix, list] of [['victim', p.victims], ['companion', p.companions_described]]) {
    const x = (list || [])[0] || { age_range: 'unknown', gender: 'unknown', clothing: '' };
    set(`${prefix}_age`, x.age_range); set(`${prefix}_gender`, x.gender); set(`${prefix}_clothing`, x.clothing);
  }
  for (const i of form.querySelectorAll('input[name=indicator]')) {
    i.checked = (p.indicators || []).includes(i.value);
    if (i.checked) { const d = i.closest('details'); if (d) d.open = true; }
  }
  f.disclosed.checked = !!p.disclosed;
  f.immediate_danger.checked = !!p.immediate_danger;
  f.considered.checked = !!p.considered_innocent_explanations;
  showWhere();
}

function showWhere() {
  const terminal = form.elements.where.value === 'terminal';
  for (const d of form.querySelectorAll('.on-flight')) d.hidden = terminal;
  for (const d of form.querySelectorAll('.in-terminal')) d.hidden = !terminal;
}

// Which form control shows a field of the report.
const CONTROL_OF = {
  victims: 'victim_clothing', companions_described: 'companion_clothing', indicators: 'indicators',
  considered_innocent_explanations: 'considered', client_created_at: 'date',
};

function clearMarks() {
  for (const e of form.querySelectorAll('.field-error.client')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid=true]')) e.removeAttribute('aria-invalid');
  $('client-errors').hidden = true;
}

// Mark each field at fault with its message; list them above the send button.
function markFields(problems) {
  clearMarks();
  const box = $('client-errors'), ul = box.querySelector('ul');
  ul.replaceChildren();
  let first = null;
  for (const [field, code] of problems) {
    const id = CONTROL_OF[field] || field;
    const control = $(id);
    const msg = data.errors[code] || code;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      const p = el('p', msg, 'field-error client');
      p.id = `${id}-client-error`;
      if (control.tagName === 'FIELDSET') control.querySelector('legend').after(p);
      else (control.type === 'checkbox' ? control.closest('label') || control : control).after(p);
      first = first || control;
    }
    const li = el('li');
    const a = el('a', `${control?.labels?.[0]?.textContent?.trim() || field}: ${msg}`);
    a.href = `#${id}`;
    li.append(a);
    ul.append(li);
  }
  box.hidden = problems.length === 0;
  if (first) first.focus();
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
        // Confirmed: keep only the reference and the status (and the captain's message
        // while it is on screen), never the content.
        await outbox.put({ id: entry.id, status: 'sent', reference: receipt.reference, flight: entry.flight,
          relay: entry.showing ? receipt.relay_message : null, showing: !!entry.showing });
      } else if (res.status === 401 || res.status === 403) {
        note = T['outbox-sign-in'];
        break;
      } else if (res.status === 409 || res.status === 422) {
        // Kept on the device, editable: the fields at fault are marked when it is opened.
        let msg = res.status === 409 ? T['outbox-conflict'] : T['outbox-invalid'];
        let fields = [];
        try {
          const e = await res.json();
          fields = (e.error?.fields || []).map((f) => [f.field, f.code]);
          if (res.status === 422 && fields.length) msg += ` (${fields.map((f) => f[0]).join(', ')})`;
        } catch { /* keep msg */ }
        await outbox.put({ ...entry, status: 'attention', error: msg, fields, relay: null, showing: false });
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
    li.dataset.id = e.id;
    li.append(el('span', e.reference || shortReference(e.id), 'ref'));
    li.append(el('span', e.flight || '', 'flight'));
    li.append(el('span', T[`outbox-${e.status === 'attention' ? 'attention' : e.status}`], 'state'));
    if (e.error) li.append(el('span', e.error, 'error-text'));
    if (e.status === 'attention' && e.payload) {
      const b = el('button', T['report-fix'], 'fix small');
      b.type = 'button';
      b.addEventListener('click', () => openDraft(e));
      li.append(b);
    }
    if (e.flags?.length) li.append(el('span', `${T['report-flagged']}: ${e.flags.map((f) => f[0]).join(', ')}`, 'flagged'));
    list.append(li);
  }
  $('outbox-panel').hidden = entries.length === 0;
  $('outbox-note').textContent = note || '';
  if (note === T['outbox-sign-in']) {
    const a = el('a', ' →'); a.href = '/login?back=/report'; $('outbox-note').append(a);
  }
}

// "Needs attention": the kept draft opens in the form with its fields marked; sending
// it again keeps its id (and reference), so the server stores it once.
function openDraft(entry) {
  loadDraft(entry.payload);
  $('report-id').value = entry.id;
  $('relay-panel').hidden = true;
  form.hidden = false;
  renderDecision();
  markFields(entry.fields?.length ? entry.fields : validate(entry.payload).errors);
  const lead = $('client-errors').querySelector('p');
  lead.textContent = T['report-fix-lead'];
  $('client-errors').hidden = false;
}

function showRelay(text, p) {
  $('relay-text').value = text;
  $('relay-panel').hidden = false;
  const urgent = $('relay-urgent');
  urgent.hidden = !p.immediate_danger;
  urgent.textContent = p.phase === 'in_flight' ? T['guidance-urgent-air'] : T['guidance-urgent-ground'];
  form.hidden = true;
}

// Forget the captain's message on the device (new report, quick exit).
async function hideRelays() {
  for (const e of await outbox.all()) if (e.relay || e.showing) await outbox.put({ ...e, relay: null, showing: false });
}

// ---- wiring -----------------------------------------------------------------------
form.addEventListener('change', (ev) => {
  if (ev.target.name === 'where') showWhere();
  renderDecision();
});
for (const f of ['victim_clothing', 'companion_clothing', 'free_text']) form.elements[f].addEventListener('input', () => guard(f));
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  await airportsReady;
  const p = payload();
  const checked = validate(p);
  if (checked.errors.length) {
    // Nothing is queued and no relay message is shown until every rule holds.
    renderDecision();
    $('client-errors').querySelector('p').textContent = T['report-fix-first'];
    markFields(checked.errors);
    return;
  }
  clearMarks();
  const id = $('report-id').value;
  const reference = shortReference(id);
  const relay = relayMessage(checked.report, reference);
  for (const e of await outbox.all()) if (e.showing) await outbox.put({ ...e, showing: false, relay: e.status === 'sent' ? null : e.relay });
  const where = p.flight || p.airport || `${p.origin}-${p.destination}`;
  await outbox.put({ id, payload: p, status: 'queued', reference, flight: `${where} ${p.date}`, relay, showing: true, flags: checked.flags });
  showRelay(relay, p);
  $('relay-panel').scrollIntoView();
  await flush();
});
$('new-report').addEventListener('click', async () => {
  // Keep the flight context; clear everything about people.
  for (const name of ['seats', 'free_text', 'victim_clothing', 'companion_clothing', 'place']) form.elements[name].value = '';
  for (const i of form.querySelectorAll('input[type=checkbox]')) i.checked = false;
  for (const f of ['victim_clothing', 'companion_clothing', 'free_text']) guard(f);
  $('report-id').value = uuidv7();
  $('relay-panel').hidden = true;
  form.hidden = false;
  clearMarks();
  renderDecision();
  window.scrollTo(0, 0);
  await hideRelays();
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
  hideRelays().catch(() => {});
  location.replace('/quick-exit');
});
window.addEventListener('online', () => { backoff = 5000; flush(); });
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });

// The airports (and their time zones) the rules check codes against; cached by the
// service worker, so this works offline after the first visit.
const airportsReady = fetch('/report/airports.json', { credentials: 'same-origin' })
  .then((r) => (r.ok ? r.json() : null))
  .then((j) => { if (j) data.airportsCache = Object.fromEntries(Object.entries(j.airports).map(([k, i]) => [k, j.zones[i]])); })
  .catch(() => {});

// A page loaded from the cache may carry an id that was already used: start fresh.
$('report-id').value = uuidv7();
showWhere();
renderDecision();
// After a reload (offline too), the captain's message that was on screen is shown again.
outbox.all().then((all) => {
  const shown = all.filter((e) => e.showing && e.relay).sort((a, b) => (a.id < b.id ? 1 : -1))[0];
  if (shown) showRelay(shown.relay, shown.payload || {});
}).catch(() => {});
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
flush();
window.sightline = { flush, outbox, relayMessage, shortReference, validate, guardMatches, airportsReady, parseFlight };
