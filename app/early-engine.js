// On a visit whose program is already cached, start the engine's worker at once, so that its
// wasm compiles and its weights load while the page's own wasm compiles, instead of after: the
// app adopts this worker (`ui::worker`), with every message it said meanwhile. On a first visit it
// waits for the app: two downloads of one file at once can make Chromium abort one of them
// (ERR_CACHE_WRITE_FAILURE). A tally link needs no engine.
if ('Worker' in self && 'caches' in self && !/^#(predict-)?tally=/.test(location.hash)) {
  caches.match(new URL('basis-app_bg.wasm', location.href).href).then((cached) => {
    if (!cached || self.basisEarlyWorker === null) return;
    const worker = new Worker('./worker.js', { type: 'module' });
    const heard = [];
    const keep = (event) => heard.push(event);
    for (const type of ['message', 'error', 'messageerror']) worker.addEventListener(type, keep);
    self.basisEarlyWorker = {
      worker,
      heard,
      stopListening() {
        for (const type of ['message', 'error', 'messageerror']) worker.removeEventListener(type, keep);
      },
    };
  }).catch(() => {});
}
