// Sightline service worker: keeps the report page and its assets so /report opens
// with no network. Reports themselves live in the page's IndexedDB outbox.
const CACHE = 'sightline-report-v2';
const SHELL = ['/report', '/static/style.css', '/static/report.js', '/static/notes.svg', '/report/airports.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === '/report') {
    // Network first, so a signed-in page with a fresh token is used when possible.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          if (res.ok && !res.redirected) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put('/report', copy));
          }
          return res;
        })
        .catch(() => caches.match('/report')),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // Cache first, refreshed in the background.
    event.respondWith(
      caches.match(url.pathname).then((hit) => {
        const refresh = fetch(event.request)
          .then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((c) => c.put(url.pathname, copy));
            }
            return res;
          })
          .catch(() => hit);
        return hit || refresh;
      }),
    );
  }
});
