// Serves dist/ on loopback and drives Debian's Chromium through playwright-core.

import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const DIST = process.env.BASIS_DIST ?? new URL('../../dist/', import.meta.url).pathname;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.bpk': 'application/octet-stream',
  '.png': 'image/png',
};

/**
 * A static file server for dist/, as any static host would serve it. `cache`: let the browser keep
 * files for an hour, as a real host would (the benchmarks measure loads with and without it).
 * `overrides`: path → function of the file's text returning what to serve instead. `refuse`: paths
 * answered with 503 Service Unavailable, as an overloaded host would.
 */
export async function serveDist({ cache = false, overrides = {}, refuse = [], dist = DIST } = {}) {
  const root = dist.endsWith('/') ? dist : `${dist}/`;
  const served = [];
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    served.push(path);
    if (refuse.includes(path)) {
      response.writeHead(503).end();
      return;
    }
    if (overrides[path]) {
      const text = await readFile(join(root, path), 'utf8');
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(overrides[path](text));
      return;
    }
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      await stat(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (cache) headers['cache-control'] = 'max-age=3600';
      response.writeHead(200, headers);
      response.end(await readFile(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // `served`: every path requested, in order, to see what a visit downloaded.
  return { origin, served, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

/**
 * Chromium with or without a (software) WebGPU adapter; playwright gives each launch a fresh
 * profile. `hosts`: names resolved to loopback, to open the page from a non-local origin (an
 * insecure context, like a classroom server reached over plain http).
 */
export async function launch({ webgpu, hosts = [] }) {
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  if (hosts.length) args.push(`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`);
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
}

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1366, height: 768 },
  projector: { width: 1920, height: 1080 },
};

/**
 * A fresh page that records console errors, page errors, Content-Security-Policy violations and
 * every request, so tests can assert that nothing failed, nothing was blocked and nothing left the
 * origin.
 */
export async function openPage(browser, url, { viewport = VIEWPORTS.laptop, permissions = [] } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport, permissions });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const record = { errors: [], requests: [], csp: () => page.evaluate(() => window.__cspViolations) };
  page.on('console', (message) => {
    if (message.type() === 'error') record.errors.push(message.text());
  });
  page.on('pageerror', (error) => record.errors.push(String(error)));
  context.on('request', (request) => record.requests.push(request.url()));
  await page.goto(url);
  return { page, record, close: () => context.close() };
}

/** Waits until the worker reports a backend. */
export async function ready(page, timeout = 300_000) {
  await page.waitForFunction(() => ['WebGPU', 'CPU'].includes(document.querySelector('#backend')?.textContent), null, { timeout });
  return page.textContent('#backend');
}

/** The run id of the frame on the canvas. */
export async function shownRun(page) {
  return Number(await page.getAttribute('#canvas', 'data-run'));
}

/** Waits until the canvas shows a frame of a run newer than `run`. */
export async function waitForRunAfter(page, run, timeout = 600_000) {
  await page.waitForFunction((r) => Number(document.querySelector('#canvas')?.dataset.run) > r, run, { timeout });
}

/** Asks the engine to fail on purpose ("lose_device" or "crash"). */
export async function simulate(page, fault) {
  await page.evaluate((f) => window.dispatchEvent(new CustomEvent('basis-simulate', { detail: f })), fault);
}

/** Decodes PNG bytes in the page (as any browser would) into RGBA pixels. */
export async function decodePng(page, bytes) {
  const dataUrl = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
  return page.evaluate(async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return { width: image.width, height: image.height, data: Array.from(context.getImageData(0, 0, image.width, image.height).data) };
  }, dataUrl);
}

export async function step(page) {
  return Number(await page.textContent('#step'));
}

export async function waitForStep(page, atLeast, timeout = 600_000) {
  await page.waitForFunction((n) => Number(document.querySelector('#step')?.textContent) >= n, atLeast, { timeout });
}

export async function waitForDone(page, timeout = 600_000) {
  await page.waitForSelector('#done:not([hidden])', { state: 'attached', timeout });
}

/** The canvas's pixels (RGBA), as drawn. */
export async function pixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('#canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  });
}

/** Distinct colours on a canvas: a real image has many. */
export async function colours(page, selector) {
  return page.$eval(selector, (canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
}

export function meanAbsoluteDifference(a, b) {
  if (a.data.length !== b.data.length) return Infinity;
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += Math.abs(a.data[i] - b.data[i]);
  return total / a.data.length;
}

/** Requests that went anywhere but the page's own origin (data: and blob: URLs stay local). */
export function foreignRequests(record, origin) {
  return record.requests.filter((url) => !url.startsWith(origin) && !/^(data|blob):/.test(url));
}

export async function readFileBytes(path) {
  return new Uint8Array(await readFile(path));
}

/** Pages whose requests and Content-Security-Policy reports are checked once the tests end:
 * `open` them, then call `check` in an `after` hook (with `errors`, uncaught page errors too). */
export function checkedPages() {
  const records = [];
  return {
    async open(browser, origin, hash = '', options = {}) {
      const handle = await openPage(browser, `${origin}/${hash}`, options);
      handle.record.origin = origin;
      handle.record.violations = [];
      records.push(handle.record);
      const close = handle.close;
      handle.close = async () => {
        handle.record.violations = await handle.record.csp();
        await close();
      };
      return handle;
    },
    check({ errors = false } = {}) {
      for (const record of records) {
        assert.deepEqual(foreignRequests(record, record.origin), [], 'no request leaves the origin');
        assert.deepEqual(record.violations, [], 'the Content-Security-Policy blocks nothing the app needs');
        if (errors) assert.deepEqual(record.errors, [], 'no page error');
      }
    },
  };
}

/** axe-core's serious and critical violations of WCAG 2.0–2.2 A and AA on the page as it is now,
 * each as its rule, impact and the elements it found. Injected with `evaluate`, which the page's
 * Content-Security-Policy does not block (a script tag would be). */
export async function accessibilityViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    const axe = await readFile(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
    await page.evaluate(`${axe}\n;void 0`);
  }
  const { violations } = await page.evaluate(
    (options) => window.axe.run(document, options),
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] },
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact, elements: v.nodes.map((n) => n.target.join(' ')) }));
}

/** For a test file: serves dist/ while its tests run and checks its pages (requests, CSP reports,
 * page errors) when they end. `open(browser, hash)` opens a checked page. */
export function servedApp() {
  let server;
  const pages = checkedPages();
  before(async () => {
    server = await serveDist();
  });
  after(async () => {
    await server.close();
    pages.check({ errors: true });
  });
  return { open: (browser, hash = '') => pages.open(browser, server.origin, hash) };
}

/**
 * `basis fidelity` of pictures taken from the page: each `{ png, link, arm }` (a PNG as base64,
 * the link of the recipe it was made for, its arm), as the CLI prints it, with its arm.
 */
export function cliFidelity(basis, pictures) {
  return pictures.map(({ png, link, arm }, i) => {
    const file = join(tmpdir(), `basis-fidelity-${i}.png`);
    writeFileSync(file, Buffer.from(png, 'base64'));
    const code = link.replace(/^#r=/, '');
    return { arm, ...JSON.parse(execFileSync(basis, ['fidelity', file, '--recipe', code]).toString()).fidelity };
  });
}

/** The rows of the page's table of fidelity per arm (`ui/arm_fidelity::ArmTable`). */
export async function armTable(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) => ({
    arm: r.dataset.arm,
    pictures: Number(r.querySelector('.pictures').textContent),
    ratio: Number(r.querySelector('.ratio').dataset.value),
    specificity: Number(r.querySelector('.specificity').dataset.value),
  })));
}

/** Each row's medians are those of `measured`'s pictures of its arm (within `relative`: 1e-3 for
 * the same pixels measured twice). */
export function assertArmMedians(rows, measured, relative = 1e-3) {
  const median = (values) => {
    const v = [...values].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  for (const row of rows) {
    const ofArm = measured.filter((m) => m.arm === row.arm);
    for (const key of ['ratio', 'specificity']) {
      const expected = median(ofArm.map((m) => m[key]).filter((v) => v !== null));
      assert.ok(Math.abs(row[key] - expected) <= relative * Math.abs(expected), `${row.arm} ${key}: page ${row[key]}, CLI ${expected}`);
    }
  }
}
