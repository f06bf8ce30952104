// Benchmarks of the built app in headless Chromium (not a test): steps per second per backend and
// image size, and time from page load to the first frame with and without the weights cached.
// Run: BASIS=<path to basis> node tests/browser/bench.mjs   (after `trunk build --release`)
// Side by side: BENCH_DISTS=dirA,dirB BENCH_ROUNDS=3 interleaves builds round by round and prints
// each round and the medians; BENCH_BACKENDS=cpu (or webgpu) keeps one backend. BENCH_LAYERS
// (default block8) lists the taps whose steps/s are measured; BENCH_MEMORY_LAYERS lists taps whose
// dataset examples are computed on a fresh page, reporting the engine's wasm memory after;
// BENCH_LARGE_POOL_LAYERS lists taps measured on the whole large photo pool on a fresh page,
// reporting the seconds from the ask to the meter (download included) and the wasm memory after.
// BENCH_CLASSROOM (default quiz,predict,sheet; 0 for none) lists the classroom waits: seconds from
// opening the default quiz and predict links (as the quiz maker and `basis quiz`/`basis predict`
// make them: 10 rounds, 3 layers, 128 px, 128 steps) to Start and to every round ready, and from
// opening a 4 + 4 sheet at 64 px to its first and last tile, each on a fresh page with the
// weights cached. BENCH_PROBE_LAYERS lists taps whose probe is opened on a fresh page: seconds
// from opening it to its lists (the pool through the network), and milliseconds to the next
// photo's lists. BENCH_MODEL (lite0, lite1, lite2; default lite0) is the network every link
// names.

import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { serveDist, launch, ready, waitForStep } from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const SIZES = (process.env.BENCH_SIZES ?? '64,128,224').split(',').filter(Boolean).map(Number);
// SwiftShader takes seconds per step at 224 px: fewer steps there.
const STEPS = { true: Number(process.env.BENCH_GPU_STEPS ?? 6), false: Number(process.env.BENCH_CPU_STEPS ?? 12) };

const LAYERS = (process.env.BENCH_LAYERS ?? 'block8').split(',');
const MEMORY_LAYERS = (process.env.BENCH_MEMORY_LAYERS ?? '').split(',').filter(Boolean);
const LARGE_POOL_LAYERS = (process.env.BENCH_LARGE_POOL_LAYERS ?? '').split(',').filter(Boolean);
const PROBE_LAYERS = (process.env.BENCH_PROBE_LAYERS ?? '').split(',').filter(Boolean);

// The network every link names (lite0, lite1, lite2).
const MODEL = process.env.BENCH_MODEL ?? 'lite0';

function link(size, steps, layer = 'block8') {
  return execFileSync(BASIS, ['link', '--model', MODEL, '--layer', layer, '--channel', '10', '--size', String(size), '--steps', String(steps)])
    .toString()
    .trim();
}

/** Steps per second after two warm-up steps (which compile the GPU kernels), timed as seen by the page. */
async function stepsPerSecond(context, origin, size, steps, layer) {
  const page = await context.newPage();
  await page.goto(`${origin}/${link(size, steps, layer)}`);
  await ready(page);
  await waitForStep(page, 2);
  const started = Date.now();
  await waitForStep(page, steps);
  const rate = ((steps - 2) * 1000) / (Date.now() - started);
  await page.close();
  return Number(rate.toFixed(2));
}

/** The engine worker's wasm memory in MB after computing `layer`'s dataset examples and meter. */
async function poolMemory(context, origin, layer) {
  const page = await context.newPage();
  await page.goto(`${origin}/${link(64, 1, layer)}`);
  await ready(page);
  await page.click('#examples-toggle');
  await page.waitForSelector('#meter-auc', { state: 'visible', timeout: 1_200_000 });
  const memory = await workerMemory(page);
  await page.close();
  return memory;
}

/** The engine worker's largest wasm memory in MB. */
async function workerMemory(page) {
  const sizes = await Promise.all(page.workers().map((w) => w.evaluate(() => self.basisMemory?.buffer.byteLength ?? 0)));
  return Math.round(Math.max(...sizes) / 2 ** 20);
}

/** Seconds from asking for `layer`'s meter on the large pool to its arrival, and the memory after. */
async function largePool(context, origin, layer) {
  const page = await context.newPage();
  await page.goto(`${origin}/${link(64, 1, layer)}`);
  await ready(page);
  await page.click('#examples-toggle');
  await page.waitForSelector('#large-meter-ask', { state: 'visible', timeout: 1_200_000 });
  const started = Date.now();
  await page.click('#large-meter-ask');
  await page.waitForSelector('#large-meter-auc', { state: 'visible', timeout: 3_600_000 });
  const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  const memory = await workerMemory(page);
  console.log(await page.textContent('#large-meter-auc'));
  await page.close();
  return { seconds, memory };
}

/** Seconds from opening the probe at `layer` to its lists, and milliseconds from choosing the
 * next photo to its lists. */
async function probe(context, origin, layer) {
  const page = await context.newPage();
  await page.goto(`${origin}/${link(64, 1, layer)}`);
  await ready(page);
  const started = Date.now();
  await page.click('#probe-toggle');
  await page.waitForSelector('#probe-overall li', { timeout: 1_200_000 });
  const open = Number(((Date.now() - started) / 1000).toFixed(2));
  const label = () => document.querySelector('#probe-canvas').getAttribute('aria-label');
  const shown = await page.evaluate(label);
  const switched = Date.now();
  await page.selectOption('#probe-photo', '1');
  await page.waitForFunction((before) => document.querySelector('#probe-canvas').getAttribute('aria-label') !== before && document.querySelector('#probe-overall li') !== null, shown, { polling: 'raf' });
  const next = Date.now() - switched;
  await page.close();
  return { open, next };
}

/** Seconds from opening a class test's link to its Start button and to every round ready. */
async function classTest(context, origin, link) {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${origin}/${link}`);
  await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 1_200_000 });
  const start = (Date.now() - started) / 1000;
  await page.waitForFunction(() => {
    const [ready, all] = document.querySelector('#rounds-ready')?.textContent.match(/\d+/g) ?? [];
    return ready !== undefined && ready === all;
  }, null, { timeout: 1_800_000, polling: 100 });
  const all = (Date.now() - started) / 1000;
  await page.close();
  return { start: Number(start.toFixed(1)), all: Number(all.toFixed(1)) };
}

/** Seconds from opening a sheet's link to its first drawn frame, its first finished tile (a
 * build that does not mark finished tiles finishes them all at once: its last), and its last. */
async function sheetTiles(context, origin, link) {
  const page = await context.newPage();
  const started = Date.now();
  const seconds = () => Number(((Date.now() - started) / 1000).toFixed(1));
  await page.goto(`${origin}/${link}`);
  await page.waitForFunction(() => [...document.querySelectorAll('.tile canvas')].some((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }), null, { timeout: 1_800_000, polling: 100 });
  const frame = seconds();
  // A build before finished tiles were marked shows none until the sheet is done.
  const finished = (anyTile) =>
    (anyTile && document.querySelector('.tile canvas[data-done]') !== null) || document.querySelector('#sheet-progress')?.textContent === 'Done.';
  await page.waitForFunction(finished, true, { timeout: 1_800_000, polling: 100 });
  const first = seconds();
  await page.waitForFunction(finished, false, { timeout: 1_800_000, polling: 100 });
  const last = seconds();
  await page.close();
  return { frame, first, last };
}

const CLASSROOM = (process.env.BENCH_CLASSROOM ?? 'quiz,predict,sheet').split(',').filter((k) => ['quiz', 'predict', 'sheet'].includes(k));
const json = (...args) => JSON.parse(execFileSync(BASIS, args).toString());
const classroomLinks = {
  quiz: () => json('quiz').link,
  predict: () => json('predict').link,
  sheet: () => json('sheet', '--neurons', '4', '--random', '4', '--size', '64', '--steps', '128', '-o', '/tmp/basis-bench-sheet.png').link,
};
const classroom = Object.fromEntries(CLASSROOM.map((kind) => [kind, classroomLinks[kind]()]));

/** Milliseconds from navigation to the first drawn frame. */
async function firstFrame(context, origin) {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${origin}/${link(64, 1)}`);
  await waitForStep(page, 1);
  const elapsed = Date.now() - started;
  await page.close();
  return elapsed;
}

const DISTS = (process.env.BENCH_DISTS ?? new URL('../../dist/', import.meta.url).pathname).split(',');
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'webgpu,cpu').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
// The weights are cached from the 2nd visit on; Chromium keeps the compiled wasm from about the
// 3rd: BENCH_VISITS=5 reports visits 2–5 together.
const VISITS = Number(process.env.BENCH_VISITS ?? 2);

const rows = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const dist of DISTS) {
    const build = basename(dist.replace(/\/$/, ''));
    const server = await serveDist({ cache: true, dist });
    for (const webgpu of BACKENDS.map((b) => b === 'webgpu')) {
      const browser = await launch({ webgpu });
      const context = await browser.newContext();
      const uncached = await firstFrame(context, server.origin);
      const cached = [];
      for (let visit = 2; visit <= VISITS; visit++) cached.push(await firstFrame(context, server.origin));
      const backend = webgpu ? 'WebGPU (SwiftShader)' : 'CPU (burn-flex, wasm)';
      const add = (measure, value) => {
        const row = { round, build, backend, measure, value };
        rows.push(row);
        console.log(JSON.stringify(row));
      };
      add('first frame, nothing cached (ms)', uncached);
      for (const ms of cached) add(VISITS > 2 ? `first frame, visits 2–${VISITS} (ms)` : 'first frame, weights cached (ms)', ms);
      for (const layer of LAYERS) {
        for (const size of SIZES) add(`steps/s at ${size} px, ${layer}`, await stepsPerSecond(context, server.origin, size, STEPS[webgpu], layer));
      }
      for (const kind of ['quiz', 'predict'].filter((k) => classroom[k])) {
        const { start, all } = await classTest(context, server.origin, classroom[kind]);
        add(`default ${kind}: Start enabled (s)`, start);
        add(`default ${kind}: every round ready (s)`, all);
      }
      if (classroom.sheet) {
        const { frame, first, last } = await sheetTiles(context, server.origin, classroom.sheet);
        add('4 + 4 sheet at 64 px: first frame drawn (s)', frame);
        add('4 + 4 sheet at 64 px: first tile finished (s)', first);
        add('4 + 4 sheet at 64 px: every tile finished (s)', last);
      }
      for (const layer of MEMORY_LAYERS) add(`wasm memory after ${layer}'s examples (MB)`, await poolMemory(context, server.origin, layer));
      for (const layer of PROBE_LAYERS) {
        const { open, next } = await probe(context, server.origin, layer);
        add(`probe at ${layer}: opened to its lists (s)`, open);
        add(`probe at ${layer}: next photo's lists (ms)`, next);
      }
      for (const layer of LARGE_POOL_LAYERS) {
        const { seconds, memory } = await largePool(context, server.origin, layer);
        add(`${layer}'s meter on the large pool (s)`, seconds);
        add(`wasm memory after ${layer}'s large-pool meter (MB)`, memory);
      }
      await browser.close();
    }
    await server.close();
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const groups = new Map();
for (const { build, backend, measure, value } of rows) {
  const key = JSON.stringify({ build, backend, measure });
  groups.set(key, [...(groups.get(key) ?? []), value]);
}
for (const [key, values] of groups) console.log(JSON.stringify({ ...JSON.parse(key), median: median(values), rounds: values }));
