// The app's service worker: after the first visit, the page, the wasm and the weights come from
// the browser's Cache Storage, so a second visit downloads nothing and a classroom whose network
// drops keeps working. BUILD and FILES are filled in by app/cache_manifest.py after each build:
// BUILD is a hash of every file, so a new release installs a new cache and drops the old one.

const BUILD = 'BUILD_HASH';
const FILES = ['FILE_LIST'];
const CACHE = `basis-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('basis-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// Cache first for this release's files (a query string, e.g. ?utm_source=…, names the same file); anything
// else goes to the network as usual.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((cached) => cached ?? fetch(request)),
  );
});
