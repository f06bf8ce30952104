// The app's service worker: after the first visit, the page, the wasm and the weights come from
// the browser's Cache Storage, so a second visit downloads nothing and a classroom whose network
// drops keeps working. BUILD, POOL and FILES are filled in by app/cache_manifest.py after each
// build: BUILD is a hash of every file but the large photo pool's, so a new release installs a new
// cache and drops the old one. The pool (hundreds of photos under pool/) is not fetched at install:
// the engine worker keeps its photos as it first downloads them, in a cache named by POOL (the
// pool's stamp in model/pool.json), which a release with the same pool keeps. The networks'
// weights (model/*.bpk) are not fetched at install either: a visit downloads the one its link
// needs, and the engine keeps it in a cache of its own, named by the file's hash (WEIGHTS_CACHES
// lists this release's), which a release with the same weights keeps.

const BUILD = 'BUILD_HASH';
const POOL = 'POOL_HASH';
const FILES = ['FILE_LIST'];
const WEIGHTS_CACHES = ['WEIGHTS_CACHES'];
const CACHE = `basis-${BUILD}`;
const POOL_CACHE = `basis-pool-${POOL}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('basis-') && n !== CACHE && n !== POOL_CACHE && !WEIGHTS_CACHES.includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// Cache first for this release's files and the weights the engine kept (a query string, e.g.
// ?utm_source=…, names the same file); anything else goes to the network as usual.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => cached ?? fetch(request)),
  );
});
