// The engine's Web Worker: the same wasm module as the page (cached after the first load), whose
// `main` sees no window and runs the engine. Anything that kills the engine is reported to the
// page as a `crashed` event, so the page never waits on a dead worker.

import init from './basis-app.js';

const crashed = (what) => {
  self.postMessage(JSON.stringify({ type: 'crashed', message: String(what) }));
};

self.addEventListener('error', (event) => crashed(event.message || event.error || 'the engine failed'));
self.addEventListener('unhandledrejection', (event) => crashed(event.reason?.message ?? event.reason));

// While the wasm compiles, read the manifest of the network the worker's name says
// (`basis-engine:<network id>[:cpu]`, protocol::EngineName; Lite0 without one) and, where the
// offline cache holds it, the weights file it names, into memory: the engine takes them
// (engine/download.rs) and checks the file against the manifest as any download, downloading it
// instead if the cache holds another release's. A first visit downloads the weights from the
// engine, with progress.
const network = self.name.split(':')[1] || 'efficientnet-lite0';
self.basisCachedWeights = Promise.resolve()
  .then(() => fetch(`model/${network}.json`))
  .then((response) => (response.ok ? response.text() : undefined))
  .then(async (manifest) => {
    if (manifest === undefined) return undefined;
    const { file } = JSON.parse(manifest);
    const cached = 'caches' in self ? await caches.match(new URL(`model/${file}`, self.location.href).href) : undefined;
    const weights = cached && new Response(await cached.arrayBuffer());
    return { manifest, weights };
  })
  .catch(() => undefined);

init()
  .then((wasm) => {
    // For tests/browser/bench.mjs: wasm memory only grows, so its size is the engine's peak.
    self.basisMemory = wasm.memory;
  })
  .catch((error) => crashed(`the engine could not start: ${error?.message ?? error}`));
