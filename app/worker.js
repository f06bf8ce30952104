// The engine's Web Worker: the same wasm module as the page (cached after the first load), whose
// `main` sees no window and runs the engine. Anything that kills the engine is reported to the
// page as a `crashed` event, so the page never waits on a dead worker.

import init from './basis-app.js';

const crashed = (what) => {
  self.postMessage(JSON.stringify({ type: 'crashed', message: String(what) }));
};

self.addEventListener('error', (event) => crashed(event.message || event.error || 'the engine failed'));
self.addEventListener('unhandledrejection', (event) => crashed(event.reason?.message ?? event.reason));

init()
  .then((wasm) => {
    // For tests/browser/bench.mjs: wasm memory only grows, so its size is the engine's peak.
    self.basisMemory = wasm.memory;
  })
  .catch((error) => crashed(`the engine could not start: ${error?.message ?? error}`));
