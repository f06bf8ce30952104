// The engine's Web Worker: the same wasm module as the page (cached after the first load), whose
// `main` sees no window and runs the engine.
import init from './basis-app.js';

init();
