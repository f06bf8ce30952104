// Registers the service worker that keeps the app and its weights for later and offline visits.
// Browsers offer service workers on secure pages only (https, localhost); elsewhere the app simply
// downloads again.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((error) => {
    console.warn(`Basis works without offline support: ${error.message}`);
  });
}
