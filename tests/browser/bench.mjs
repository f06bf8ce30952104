// Benchmarks of the built app in headless Chromium (not a test): steps per second per backend and
// image size, and time from page load to the first frame with and without the weights cached.
// Run: BASIS=<path to basis> node tests/browser/bench.mjs   (after `trunk build --release`)

import { execFileSync } from 'node:child_process';
import { serveDist, launch, ready, waitForStep } from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const SIZES = (process.env.BENCH_SIZES ?? '64,128,224').split(',').map(Number);
// SwiftShader takes seconds per step at 224 px: fewer steps there.
const STEPS = { true: Number(process.env.BENCH_GPU_STEPS ?? 6), false: Number(process.env.BENCH_CPU_STEPS ?? 12) };

function link(size, steps) {
  return execFileSync(BASIS, ['link', '--layer', 'block8', '--channel', '10', '--size', String(size), '--steps', String(steps)])
    .toString()
    .trim();
}

/** Steps per second after two warm-up steps (which compile the GPU kernels), timed as seen by the page. */
async function stepsPerSecond(context, origin, size, steps) {
  const page = await context.newPage();
  await page.goto(`${origin}/${link(size, steps)}`);
  await ready(page);
  await waitForStep(page, 2);
  const started = Date.now();
  await waitForStep(page, steps);
  const rate = ((steps - 2) * 1000) / (Date.now() - started);
  await page.close();
  return Number(rate.toFixed(2));
}

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

const server = await serveDist({ cache: true });
const rows = [];
for (const webgpu of [true, false]) {
  const browser = await launch({ webgpu });
  const context = await browser.newContext();
  const uncached = await firstFrame(context, server.origin);
  const cached = await firstFrame(context, server.origin);
  const backend = webgpu ? 'WebGPU (SwiftShader)' : 'CPU (burn-flex, wasm)';
  rows.push({ backend, measure: 'first frame, nothing cached (ms)', value: uncached });
  rows.push({ backend, measure: 'first frame, weights cached (ms)', value: cached });
  for (const size of SIZES) {
    rows.push({ backend, measure: `steps/s at ${size} px`, value: await stepsPerSecond(context, server.origin, size, STEPS[webgpu]) });
  }
  await browser.close();
}
await server.close();
for (const row of rows) console.log(JSON.stringify(row));
