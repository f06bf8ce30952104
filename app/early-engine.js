// On a visit whose program is already cached, start the engine's worker at once, so that its wasm
// compiles and its weights load while the page's own wasm compiles, instead of after: the app
// adopts this worker (`ui::worker`), with every message it said meanwhile. On a first visit it
// waits for the app: two downloads of one file at once can make Chromium abort one of them
// (ERR_CACHE_WRITE_FAILURE). A tally link and the quiz maker need no engine. It starts the network
// the page last used (the link is only read by the app): the app adopts the worker when its name
// (`ui::worker`, `protocol::EngineName`) is the one the link needs, and replaces it otherwise.
if ('Worker' in self && 'caches' in self && !/^#((predict-)?tally=|make-quiz)/.test(location.hash)) {
  caches.match(new URL('basis-app_bg.wasm', location.href).href).then((cached) => {
    if (!cached || self.basisEarlyWorker === null) return;
    let network = null;
    try {
      network = localStorage.getItem('basis-network');
    } catch {
      // Storage may be off; the default network is then the best guess.
    }
    const name = `basis-engine:${network ?? 'efficientnet-lite0'}`;
    const worker = new Worker('./worker.js', { type: 'module', name });
    const heard = [];
    const keep = (event) => heard.push(event);
    for (const type of ['message', 'error', 'messageerror']) worker.addEventListener(type, keep);
    self.basisEarlyWorker = {
      worker,
      name,
      heard,
      stopListening() {
        for (const type of ['message', 'error', 'messageerror']) worker.removeEventListener(type, keep);
      },
    };
  }).catch(() => {});
}
