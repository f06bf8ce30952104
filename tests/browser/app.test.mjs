// The built app (dist/) in headless Chromium, on the real model. Images are 64 px and runs a few
// steps: WebGPU here is SwiftShader, a software GPU.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  serveDist, launch, openPage, ready, waitForStep, waitForDone, pixels,
  meanAbsoluteDifference, foreignRequests, readFileBytes, step,
} from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const STEPS = 4;

/** The fragment `basis link` prints for these flags. */
function fragment(...flags) {
  return execFileSync(BASIS, ['link', '--size', '64', '--steps', String(STEPS), ...flags]).toString().trim();
}

let server;
const opened = [];

before(async () => {
  server = await serveDist();
});

after(async () => {
  for (const record of opened) {
    assert.deepEqual(foreignRequests(record, server.origin), [], 'no request leaves the origin');
  }
  await server.close();
});

async function open(browser, hash = '') {
  const handle = await openPage(browser, `${server.origin}/${hash}`);
  opened.push(handle.record);
  return handle;
}

test('WebGPU: loads cleanly, draws, morphs, reproduces links, downloads PNGs, presents', async (t) => {
  const browser = await launch({ webgpu: true });
  t.after(() => browser.close());
  const link = fragment('--layer', 'block3', '--channel', '5', '--seed', '2');

  await t.test('picks WebGPU and draws a first frame with no console error', async () => {
    const { page, record, close } = await open(browser, link);
    assert.equal(await ready(page), 'WebGPU');
    assert.equal(await page.isVisible('#backend-notice'), false);
    await waitForStep(page, 1);
    const first = await pixels(page);
    assert.equal(first.width, 64);
    const distinct = new Set();
    for (let i = 0; i < first.data.length; i += 4) distinct.add(first.data.slice(i, i + 3).join());
    assert.ok(distinct.size > 50, `a real image, not a flat colour (${distinct.size} colours)`);
    await waitForDone(page);
    assert.deepEqual(record.errors, []);
    await close();
  });

  await t.test('moving the slider changes the image, starting from the current one', async () => {
    const { page, close } = await open(browser, link);
    await ready(page);
    await waitForDone(page);
    const before = await pixels(page);
    const reached = await step(page);
    await page.locator('#direction').fill('1');
    assert.match(await page.evaluate(() => location.hash), /^#r=/);
    await waitForStep(page, reached + STEPS);
    await waitForDone(page);
    const after = await pixels(page);
    const difference = meanAbsoluteDifference(before, after);
    assert.ok(difference > 1, `the image changed (mean |Δ| ${difference.toFixed(2)})`);
    assert.equal(await page.inputValue('#direction'), '1');
    await close();
  });

  await t.test('a permalink opened in a fresh page gives the same controls and identical pixels', async () => {
    const mixed = fragment('--layer', 'block5', '--channel', '7', '--mix', '0.35', '--seed', '11');
    const images = [];
    for (let i = 0; i < 2; i++) {
      const { page, close } = await open(browser, mixed);
      await ready(page);
      await waitForDone(page);
      assert.equal(await page.inputValue('#layer'), 'block5');
      assert.equal(await page.inputValue('#channel'), '7');
      assert.equal(await page.inputValue('#direction'), '0.35');
      assert.equal(await page.inputValue('#seed'), '11');
      assert.equal(await page.inputValue('#size'), '64');
      images.push(await pixels(page));
      await close();
    }
    assert.equal(meanAbsoluteDifference(images[0], images[1]), 0, 'same link, same pixels');
  });

  await t.test('Download PNG saves a valid PNG of the image size, named after the recipe', async () => {
    const { page, close } = await open(browser, link);
    await ready(page);
    await waitForStep(page, 1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.match(download.suggestedFilename(), /^basis-block3-c5-mix0\.00-seed2-64px\.png$/);
    const png = await readFileBytes(await download.path());
    assert.deepEqual([...png.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
    const view = new DataView(png.buffer);
    assert.equal(String.fromCharCode(...png.slice(12, 16)), 'IHDR');
    assert.deepEqual([view.getUint32(16), view.getUint32(20)], [64, 64]);
    await close();
  });

  await t.test('presentation flags hide what they name and enlarge the canvas', async () => {
    const { page, close } = await open(browser, fragment('--hide', 'seed,layer,help', '--present'));
    await ready(page);
    for (const name of ['seed', 'layer', 'help']) {
      assert.equal(await page.isVisible(`[data-control="${name}"]`), false, `${name} hidden`);
    }
    for (const name of ['channel', 'direction', 'playback']) {
      assert.equal(await page.isVisible(`[data-control="${name}"]`), true, `${name} shown`);
    }
    assert.equal(await page.evaluate(() => document.querySelector('main').classList.contains('present')), true);
    const width = await page.evaluate(() => document.querySelector('#canvas').getBoundingClientRect().width);
    assert.ok(width > 600, `big canvas (${width}px)`);
    // Keyboard: → moves to the next channel, space pauses.
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#channel'), '11');
    await page.keyboard.press(' ');
    assert.equal(await page.textContent('#pause'), 'Resume');
    await close();
  });
});

test('CPU fallback: without WebGPU the app says so and still draws', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());

  await t.test('falls back to the CPU with a visible notice', async () => {
    const { page, record, close } = await open(browser, fragment('--layer', 'block2', '--channel', '3'));
    assert.equal(await ready(page), 'CPU');
    assert.match(await page.textContent('#backend-notice'), /(no WebGPU|no GPU adapter).*runs on the CPU/);
    assert.equal(await page.isVisible('#backend-notice'), true);
    await waitForDone(page);
    assert.equal(await step(page), STEPS);
    assert.deepEqual(record.errors, []);
    await close();
  });

  await t.test('malformed, truncated, out-of-range and hostile links show a message and the defaults', async () => {
    const valid = fragment('--layer', 'block2', '--channel', '5').slice('#r='.length);
    // Well-formed encodings with one field out of range: patch the bytes of a valid recipe.
    // Its layout is the Recipe's field order: ... layer string, channel varint, seed varint, mix f32 ...
    const bytes = Buffer.from(valid, 'base64url');
    const layerAt = bytes.indexOf(Buffer.from('block2'));
    const patched = (edit) => {
      const copy = Buffer.from(bytes);
      edit(copy);
      return `#r=${copy.toString('base64url')}`;
    };
    const cases = [
      ['#r=', /empty/],
      ['#r=%%%', /outside A–Z/],
      ['#r=<img src=x onerror=alert(1)>', /outside A–Z/],
      ['#r=<script>alert(1)</script>', /outside A–Z/],
      ['#r=AQ', /cut short/],
      [`#r=${valid.slice(0, Math.floor(valid.length / 2))}`, /cut short/],
      [`#r=${valid.slice(0, -3)}`, /cut short/],
      [`#r=${valid}AAAA`, /after its end/],
      [`#r=${'A'.repeat(600)}`, /characters long/],
      [`#${'x'.repeat(3000)}`, /characters long/],
      ['#r=Ag', /version: 2/],
      ['#r=_w', /version: 255/],
      [patched((b) => b.write('blockX', layerAt)), /layer: `blockX` is unknown/],
      [patched((b) => { b[layerAt + 6] = 0x7f; }), /channel: 127 is out of range/],
      [patched((b) => b.writeFloatLE(1.5, layerAt + 8)), /mix: 1.5 is out of range/],
      [patched((b) => b.writeFloatLE(NaN, layerAt + 8)), /mix: the value is not a finite number/],
      [patched((b) => b.writeFloatLE(-1, layerAt + 12)), /cos_power: -1 is out of range/],
      [patched((b) => { b[layerAt - 17] = 0x47; }), /weights: .* is not a weights hash/],
      ['#hide=<b>bold</b>', /Ignored parts/],
      ['#utm_source=x&hide=seed,nonsense', /Ignored parts.*utm_source.*nonsense/],
    ];
    assert.ok(cases.length >= 20, `${cases.length} cases`);

    for (const [hash, pattern] of cases) {
      const { page, record, close } = await open(browser, hash);
      await page.waitForSelector('.message:not([hidden])', { timeout: 60_000 });
      const message = await page.textContent('.message');
      assert.match(message, pattern, `${hash.slice(0, 60)} → ${message}`);
      assert.equal(await page.$('main img, main script'), null, 'no injected markup');
      await ready(page);
      assert.equal(await page.inputValue('#layer'), 'block8', `${hash.slice(0, 40)}: default layer`);
      assert.equal(await page.inputValue('#channel'), '10');
      assert.deepEqual(record.errors, [], `${hash.slice(0, 40)}: no console error`);
      await close();
    }
  });
});
