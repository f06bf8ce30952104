// Registers the service worker that keeps the app and its weights for later and offline visits.
// Browsers offer service workers on secure pages only (https, localhost); elsewhere the app simply
// downloads again.
//
// It waits until the page has downloaded what it needs (the app dispatches `basis-loaded` when its
// engine is up, or at once on a page without one): the worker's install downloads the same files,
// and Chromium aborts one of two downloads that write the same HTTP cache entry at once
// (ERR_CACHE_WRITE_FAILURE). Registering at once cost some first visits their wasm.
if ('serviceWorker' in navigator) {
  addEventListener('basis-loaded', () => {
    navigator.serviceWorker.register('./sw.js').catch((error) => {
      console.warn(`Basis works without offline support: ${error.message}`);
    });
  }, { once: true });
}
