// The built app (dist/) in headless Chromium, on the real model. Images are 64 px and runs a few
// steps: WebGPU here is SwiftShader, a software GPU, so most behaviour is checked on the CPU
// fallback and WebGPU keeps what only it can show (drawing, reproducing, losing the device).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  serveDist, launch, ready, waitForStep, waitForDone, pixels, meanAbsoluteDifference,
  checkedPages, readFileBytes, step, shownRun, waitForRunAfter, simulate, decodePng, VIEWPORTS, DIST,
} from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const STEPS = 4;

/** The fragment `basis link` prints for these flags (64 px and STEPS steps unless they say). */
function fragment(...flags) {
  const defaults = [['--size', '64'], ['--steps', String(STEPS)]].filter(([flag]) => !flags.includes(flag));
  return execFileSync(BASIS, ['link', ...defaults.flat(), ...flags]).toString().trim();
}

let server;
const pages = checkedPages();

before(async () => {
  server = await serveDist();
});

after(async () => {
  await server.close();
  pages.check();
});

async function open(browser, hash = '', options = {}) {
  return pages.open(browser, options.origin ?? server.origin, hash, options);
}

/** The canvas's pixels together with the step they belong to. */
async function snapshot(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('#canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, data: Array.from(data), step: Number(document.querySelector('#step').textContent) };
  });
}

test('WebGPU: draws, reproduces links, survives losing the device', async (t) => {
  const browser = await launch({ webgpu: true });
  t.after(() => browser.close());
  const link = fragment('--layer', 'block3', '--channel', '5', '--seed', '2');

  await t.test('picks WebGPU and draws a first frame with no console error, under the CSP', async () => {
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
    const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(policy, /default-src 'none'/);
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

  await t.test('a lost GPU falls back to the CPU with a notice, keeping the recipe and the image', async () => {
    const { page, close } = await open(browser, link);
    assert.equal(await ready(page), 'WebGPU');
    await waitForDone(page);
    const before = await pixels(page);
    const run = await shownRun(page);
    await simulate(page, 'lose_device');
    await page.waitForFunction(() => document.querySelector('#backend')?.textContent === 'CPU', null, { timeout: 120_000 });
    assert.match(await page.textContent('#fallback'), /GPU stopped working.*CPU/);
    await waitForRunAfter(page, run, 120_000);
    await waitForDone(page);
    const after = await pixels(page);
    const difference = meanAbsoluteDifference(before, after);
    assert.ok(difference < 1, `the same image, now from the CPU (mean |Δ| ${difference.toFixed(3)})`);
    assert.equal(await step(page), STEPS, 'resumed at the step it had reached');
    assert.equal(await page.inputValue('#layer'), 'block3');
    assert.equal(await page.inputValue('#channel'), '5');
    // And it goes on: a new direction renders on the CPU.
    await page.locator('#direction').fill('0.5');
    await waitForStep(page, 2 * STEPS);
    await waitForDone(page);
    await close();
  });
});

test('CPU fallback: every control, every failure', async (t) => {
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

  await t.test('a slider move starts from the current image; Restart starts from noise', async () => {
    const { page, close } = await open(browser, fragment('--layer', 'block4', '--channel', '3', '--steps', '24'));
    await ready(page);
    await waitForDone(page);
    // Two more steps per request from here on, so every comparison is between finished runs.
    await page.locator('#steps').fill('2');
    await page.locator('#steps').dispatchEvent('change');
    await waitForStep(page, 26);
    await waitForDone(page);
    const settled = await pixels(page);
    await page.locator('#direction').fill('1');
    await waitForStep(page, 28);
    await waitForDone(page);
    const warm = meanAbsoluteDifference(settled, await pixels(page));
    await page.click('#restart');
    await page.waitForFunction(() => Number(document.querySelector('#step').textContent) === 2);
    await waitForDone(page);
    const cold = meanAbsoluteDifference(settled, await pixels(page));
    assert.ok(warm < 4, `two steps on from the current image stay close to it (mean |Δ| ${warm.toFixed(2)})`);
    assert.ok(cold > 3 * warm, `a restart is far from it (mean |Δ| ${cold.toFixed(2)} vs ${warm.toFixed(2)})`);
    await close();
  });

  await t.test('pause: the engine says where it stopped and the counter shows it; resume goes on', async () => {
    // That a paused run takes no step is pinned in app/src/engine/runs.rs; here, the wiring.
    const { page, close } = await open(browser, fragment('--layer', 'block2', '--channel', '1', '--steps', '2000'));
    await ready(page);
    await waitForStep(page, 3);
    await page.click('#pause');
    assert.equal(await page.textContent('#pause'), 'Resume');
    await page.waitForFunction(() => /^ · paused at step \d+$/.test(document.querySelector('#paused').textContent), null, { timeout: 60_000 });
    const paused = Number((await page.textContent('#paused')).match(/\d+/)[0]);
    assert.ok(paused >= 3, `paused at step ${paused}`);
    await page.waitForFunction((n) => Number(document.querySelector('#step').textContent) === n, paused, { timeout: 60_000 });
    await page.click('#pause');
    assert.equal(await page.isVisible('#paused'), false);
    await waitForStep(page, paused + 3);
    await close();
  });

  await t.test('Download PNG saves exactly the canvas, named after its recipe', async () => {
    const { page, close } = await open(browser, fragment('--layer', 'block3', '--channel', '5', '--seed', '2'));
    await ready(page);
    await waitForDone(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.match(download.suggestedFilename(), /^basis-block3-c5-mix0\.00-seed2-64px\.png$/);
    const png = await readFileBytes(await download.path());
    assert.deepEqual([...png.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
    const saved = await decodePng(page, png);
    const shown = await pixels(page);
    assert.deepEqual([saved.width, saved.height], [64, 64]);
    assert.equal(meanAbsoluteDifference(saved, shown), 0, 'the file holds the canvas, pixel for pixel');
    await close();
  });

  await t.test('freeze keeps the picture as "before" beside the live one, with its link and download', async () => {
    const link = fragment('--layer', 'block3', '--channel', '5', '--seed', '2');
    const { page, close } = await open(browser, link);
    await ready(page);
    await waitForDone(page);
    const shown = await pixels(page);
    await page.click('#freeze');
    const before = () => page.evaluate(() => {
      const canvas = document.querySelector('#before-canvas');
      return { width: canvas.width, height: canvas.height, data: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    assert.equal(meanAbsoluteDifference(await before(), shown), 0, 'the frozen picture is the live one, pixel for pixel');
    assert.equal(await page.getAttribute('#before-link', 'href'), link);
    assert.equal(await page.textContent('#before figcaption'), `Before: Feature visualization at layer block3, neuron 5, step ${STEPS} of ${STEPS} · its link`);

    const run = await shownRun(page);
    await page.locator('#direction').fill('1');
    await waitForRunAfter(page, run);
    await waitForDone(page);
    assert.ok(meanAbsoluteDifference(await pixels(page), shown) > 1, 'the live picture moved on');
    assert.equal(meanAbsoluteDifference(await before(), shown), 0, 'the frozen one did not');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-before')]);
    assert.match(download.suggestedFilename(), /^basis-block3-c5-mix0\.00-seed2-64px\.png$/, 'named after the frozen recipe');
    assert.equal(meanAbsoluteDifference(await decodePng(page, await readFileBytes(await download.path())), shown), 0);
    await page.click('#clear-before');
    assert.equal(await page.isVisible('#before'), false);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'freeze', 'focus goes back to Freeze, not to the page');
    await close();
  });

  await t.test('a burst of slider moves ends on the last one; links copy the state', async () => {
    const { page, close } = await open(browser, fragment('--layer', 'block3', '--channel', '2', '--steps', '6'), {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await ready(page);
    await waitForDone(page);
    const run = await shownRun(page);
    for (const mix of ['0.1', '0.2', '0.3', '0.4', '0.5']) await page.locator('#direction').fill(mix);
    await page.click('#copy-link');
    await page.waitForFunction(() => document.querySelector('#share-note')?.textContent === 'Link copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    await waitForRunAfter(page, run);
    await waitForDone(page);
    assert.ok(await shownRun(page) >= run + 5, 'the frame shown is of the newest run');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.match(download.suggestedFilename(), /-mix0\.50-/, 'frames of older runs are not mistaken for it');
    await page.waitForFunction((link) => location.href === link, copied, { timeout: 5000 });
    const fresh = await open(browser, new URL(copied).hash);
    await ready(fresh.page);
    assert.equal(await fresh.page.inputValue('#direction'), '0.5', 'the copied link holds the state');
    await fresh.close();
    await close();
  });

  await t.test('shortcuts give way to focused controls', async () => {
    const { page, close } = await open(browser, fragment('--layer', 'block3', '--channel', '5', '--steps', '3000'));
    await ready(page);
    await page.focus('#direction');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#channel'), '5', '→ on the slider moves the slider');
    assert.equal(await page.inputValue('#direction'), '0.01');
    await page.focus('#restart');
    await page.keyboard.press(' ');
    assert.equal(await page.textContent('#pause'), 'Pause', 'space on a button presses that button');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#channel'), '6', '→ elsewhere is the next neuron');
    await page.keyboard.press(' ');
    assert.equal(await page.textContent('#pause'), 'Resume');
    // Space and r can be turned off; the arrows stay.
    await page.uncheck('#single-keys');
    await page.evaluate(() => document.activeElement.blur());
    const seed = await page.inputValue('#seed');
    await page.keyboard.press('r');
    await page.keyboard.press(' ');
    assert.equal(await page.inputValue('#seed'), seed, 'r no longer re-rolls');
    assert.equal(await page.textContent('#pause'), 'Resume', 'space no longer resumes');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#channel'), '7');
    // The choice holds on the next visit.
    await page.reload();
    await ready(page);
    assert.equal(await page.isChecked('#single-keys'), false, 'space and r stay off');
    const again = await page.inputValue('#seed');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('r');
    assert.equal(await page.inputValue('#seed'), again, 'r still does not re-roll');
    await page.check('#single-keys');
    await page.reload();
    await ready(page);
    assert.equal(await page.isChecked('#single-keys'), true, 'and on again once ticked');
    await close();
  });

  await t.test('a crashed engine says so and restarts where it was', async () => {
    const { page, close } = await open(browser, fragment('--layer', 'block5', '--channel', '9', '--mix', '0.3'));
    await ready(page);
    await waitForDone(page);
    const before = await pixels(page);
    const run = await shownRun(page);
    await simulate(page, 'crash');
    await page.waitForSelector('#engine-stopped:not([hidden])', { timeout: 60_000 });
    assert.match(await page.textContent('#engine-stopped'), /The engine stopped: .*crashed on purpose/);
    assert.equal(await page.textContent('#backend'), 'stopped');
    await page.click('#restart-engine');
    assert.equal(await ready(page), 'CPU');
    await waitForRunAfter(page, run);
    await waitForDone(page);
    assert.equal(await page.isVisible('#engine-stopped'), false);
    assert.equal(meanAbsoluteDifference(before, await pixels(page)), 0, 'the same image, from the checkpoint');
    assert.equal(await page.inputValue('#direction'), '0.3');
    await close();
  });

  await t.test('the weights id comes from the downloaded bytes, not from the manifest text', async () => {
    const lying = await serveDist({
      overrides: { '/model/efficientnet-lite0.json': (text) => JSON.stringify({ ...JSON.parse(text), hash: 'ffffffffffffffff' }) },
    });
    t.after(() => lying.close());
    const { page, close } = await open(browser, fragment('--layer', 'block2', '--channel', '4'), { origin: lying.origin });
    await ready(page);
    await waitForDone(page);
    assert.equal(await page.isVisible('.message'), false, 'the link made for these weights is honoured');
    assert.equal(await page.inputValue('#channel'), '4');
    assert.match(await page.evaluate(() => location.hash), /^#r=/);
    await close();
  });

  await t.test('a link may carry any valid size; the picker shows it', async () => {
    const { page, close } = await open(browser, fragment('--size', '96', '--layer', 'block2'));
    await ready(page);
    assert.equal(await page.inputValue('#size'), '96');
    await waitForDone(page);
    assert.equal((await pixels(page)).width, 96);
    await close();
  });

  await t.test('the layout fits a phone, a laptop and a projector', async () => {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const hash = fragment('--layer', 'block3', ...(name === 'projector' ? ['--present'] : []));
      const { page, close } = await open(browser, hash, { viewport });
      await ready(page);
      const box = await page.evaluate(() => {
        const rect = (s) => document.querySelector(s).getBoundingClientRect();
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          innerHeight: window.innerHeight,
          canvas: rect('#canvas').toJSON(),
          slider: rect('#direction').toJSON(),
        };
      });
      assert.ok(box.scrollWidth <= box.innerWidth, `${name}: no sideways scrolling (${box.scrollWidth} > ${box.innerWidth})`);
      assert.ok(box.slider.top >= box.canvas.bottom && box.slider.top - box.canvas.bottom < 80, `${name}: the slider sits right under the image`);
      assert.ok(box.slider.width >= 0.6 * box.canvas.width, `${name}: the slider spans the image (${box.slider.width} of ${box.canvas.width})`);
      if (name !== 'phone') {
        assert.ok(box.slider.bottom <= box.innerHeight, `${name}: image and slider visible without scrolling`);
      }
      if (name === 'projector') assert.ok(box.canvas.width > 600, `big canvas (${box.canvas.width}px)`);
      await page.locator('#direction').fill('0.5');
      assert.match(await page.textContent('#direction-angle'), /^\d+\.\d°$/);
      assert.notEqual(await page.textContent('#direction-angle'), '0.0°');
      await close();
    }
  });

  await t.test('presentation flags hide what they name', async () => {
    const { page, close } = await open(browser, fragment('--hide', 'seed,layer,help', '--present'));
    await ready(page);
    for (const name of ['seed', 'layer', 'help']) {
      assert.equal(await page.isVisible(`[data-control="${name}"]`), false, `${name} hidden`);
    }
    for (const name of ['channel', 'direction', 'playback']) {
      assert.equal(await page.isVisible(`[data-control="${name}"]`), true, `${name} shown`);
    }
    assert.equal(await page.evaluate(() => document.querySelector('main').classList.contains('present')), true);
    await close();
  });

  await t.test('malformed, truncated, hostile and unknown links show a message and the defaults', async () => {
    // One case per way a link reaches the page wrong; every field's range and the cost budget are
    // pinned byte by byte in crates/recipe/tests/codec.rs.
    const valid = fragment('--layer', 'block2', '--channel', '5').slice('#r='.length);
    const cases = [
      ['#r=', /empty/],
      ['#r=<img src=x onerror=alert(1)>', /outside A–Z/],
      [`#r=${valid.slice(0, -3)}`, /cut short/],
      [`#${'x'.repeat(3000)}`, /characters long/],
      ['#r=Ag', /version: 2/],
      ['#utm_source=x&hide=seed,nonsense', /Ignored parts.*utm_source.*nonsense/],
    ];

    for (const [hash, pattern] of cases) {
      const { page, record, close } = await open(browser, hash);
      await page.waitForSelector('.message:not([hidden])', { timeout: 60_000 });
      const message = await page.textContent('.message:not([hidden])');
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

test('plain http from another computer: the page says what is off and how to fix it', async (t) => {
  const browser = await launch({ webgpu: true, hosts: ['basis.classroom'] });
  t.after(() => browser.close());
  const origin = server.origin.replace('127.0.0.1', 'basis.classroom');
  const { page, close } = await open(browser, fragment('--layer', 'block2'), { origin });
  assert.equal(await page.evaluate(() => window.isSecureContext), false);
  assert.equal(await ready(page), 'CPU');
  assert.match(await page.textContent('#insecure'), /plain http.*https.*localhost/);
  assert.match(await page.textContent('#backend-notice'), /plain http.*https, or localhost.*runs on the CPU/);
  await waitForDone(page);
  await page.click('#copy-link');
  assert.match(await page.textContent('#share-note'), /secure page/);
  assert.match(await page.inputValue('#manual-link'), /^http:\/\/basis\.classroom:\d+\/#r=/);
  await close();
});

test('a page whose program cannot be downloaded says so instead of staying blank', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const refusing = await serveDist({ refuse: ['/basis-app_bg.wasm'] });
  t.after(() => refusing.close());
  const { page, close } = await open(browser, fragment('--layer', 'block2'), { origin: refusing.origin });
  await page.waitForSelector('#boot[role="alert"]', { timeout: 60_000 });
  assert.match(await page.textContent('#boot'), /could not load its program \(.+\)\. Check the connection and reload the page/);
  await close();
});

test('three networks: a Lite1 link renders on Lite1 and downloads only its weights; the chooser opens the same view on Lite2', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const own = await serveDist();
  t.after(() => own.close());
  const { page, record, close } = await open(browser, fragment('--model', 'lite1', '--layer', 'block20.dw', '--channel', '5'), { origin: own.origin });
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#model'), 'efficientnet-lite1');
  assert.equal(await page.inputValue('#layer'), 'block20.dw', 'a layer only the deeper networks have');
  assert.equal(await page.getAttribute('#channel', 'max'), String(192 * 6 - 1));
  const drawn = await pixels(page);
  const distinct = new Set();
  for (let i = 0; i < drawn.data.length; i += 4) distinct.add(drawn.data.slice(i, i + 3).join());
  assert.ok(distinct.size > 50, `a real image (${distinct.size} colours)`);
  const weights = () => own.served.filter((p) => p.endsWith('.bpk'));
  assert.deepEqual(weights(), ['/model/efficientnet-lite1.bpk'], 'only the link\'s network is downloaded');

  // The chooser opens the same settings on Lite2 as a new address (the reloaded page reads its
  // network from the link alone).
  await Promise.all([page.waitForEvent('load'), page.selectOption('#model', 'efficientnet-lite2')]);
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#model'), 'efficientnet-lite2');
  assert.equal(await page.inputValue('#layer'), 'block20.dw');
  assert.equal(await page.inputValue('#channel'), '5');
  assert.equal(await page.getAttribute('#channel', 'max'), String(208 * 6 - 1));
  assert.deepEqual(weights(), ['/model/efficientnet-lite1.bpk', '/model/efficientnet-lite2.bpk']);

  // A second visit starts Lite2's engine early (the network last used) with the weights the
  // engine kept: nothing is downloaded. A Lite0 link then replaces that early engine.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
  own.served.length = 0;
  await page.reload();
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.deepEqual(own.served.filter((p) => p !== '/sw.js'), [], 'the second visit is served from the caches');
  // A new fragment reloads the page (ui::App).
  const lite0 = fragment('--layer', 'block3', '--channel', '2');
  await Promise.all([page.waitForEvent('load'), page.evaluate((hash) => { location.hash = hash; }, lite0)]);
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#model'), 'efficientnet-lite0');
  assert.deepEqual(weights(), ['/model/efficientnet-lite0.bpk']);
  assert.deepEqual(record.errors, []);
  await close();
});

test('the slider turns a neuron toward what the network reads or writes, as the CLI does; the fidelity panel agrees with the CLI', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const flags = ['--layer', 'block8', '--channel', '10', '--mix', '0.6', '--toward', 'read:5'];
  const link = fragment(...flags);
  assert.match(link, /^#r=BB/, 'a version 4 link');
  const { page, record, close } = await open(browser, link);
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#toward-kind'), 'read');
  assert.equal(await page.inputValue('#toward-unit'), '5');
  assert.equal(await page.getAttribute('#toward-unit', 'max'), '671', 'block9.expand has 672 units');
  const drawn = await pixels(page);
  const distinct = new Set();
  for (let i = 0; i < drawn.data.length; i += 4) distinct.add(drawn.data.slice(i, i + 3).join());
  assert.ok(distinct.size > 50, `a real image (${distinct.size} colours)`);
  // The angle to the neuron is the one `basis render` reports: the engine read the same row of
  // the same weights and sent it to the page.
  const angle = (...more) => JSON.parse(execFileSync(BASIS, ['render', ...more, '--size', '64', '--steps', '1', '-o', join(tmpdir(), 'basis-toward.png')]).toString()).angle_to_neuron;
  const shownAngle = (degrees) => page.waitForFunction((text) => document.querySelector('#direction-angle').textContent === text, `${degrees.toFixed(1)}°`);
  await shownAngle(angle(...flags));
  assert.match(await page.getAttribute('#canvas', 'aria-label'), /neuron 10 turned \d+° toward what unit 5 of block9\.expand reads \(t 0\.60\)/);
  // The dataset examples rank the pool along it, as `basis examples` does.
  await page.click('#examples-toggle');
  await page.waitForSelector('#examples-top', { state: 'visible', timeout: 300_000 });
  const top = await page.$$eval('#examples-top .example', (figures) => figures.map((f) => f.querySelector('figcaption').textContent));
  const cli = JSON.parse(execFileSync(BASIS, ['examples', ...flags, '--count', '8', '-o', join(tmpdir(), 'basis-toward-examples.png')]).toString());
  assert.deepEqual(top, cli.top.map((e) => e.photo));

  // The fidelity panel: its numbers are those `basis fidelity` gives for the downloaded picture
  // (the same 8-bit pixels, the same pool, the direction the engine read from the weights).
  await page.click('#fidelity-toggle');
  await page.waitForSelector('#fidelity-specificity', { state: 'visible', timeout: 120_000 });
  const shown = await page.evaluate(() => ({
    ratio: Number(document.querySelector('#fidelity-ratio').dataset.ratio),
    response: Number(document.querySelector('#fidelity-ratio').dataset.response),
    specificity: Number(document.querySelector('#fidelity-specificity').dataset.value),
    text: document.querySelector('#fidelity-ratio').textContent,
  }));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const picture = join(tmpdir(), 'basis-fidelity.png');
  await download.saveAs(picture);
  const code = link.replace(/^#r=/, '').split('&')[0];
  const measured = JSON.parse(execFileSync(BASIS, ['fidelity', picture, '--recipe', code]).toString()).fidelity;
  for (const key of ['ratio', 'response', 'specificity']) {
    assert.ok(Math.abs(shown[key] - measured[key]) <= 1e-3 * Math.abs(measured[key]), `${key}: page ${shown[key]}, CLI ${measured[key]}`);
  }
  assert.ok(shown.text.includes(`from ${measured.best_photo.photo}`), shown.text);

  // Toward where depthwise unit 5 writes: a new link, a new angle.
  const write = ['--layer', 'block8', '--channel', '10', '--mix', '0.6', '--toward', 'write:5'];
  await page.selectOption('#toward-kind', 'write');
  await page.waitForFunction((hash) => location.hash === hash, fragment(...write));
  await shownAngle(angle(...write));
  // A direction learned from the shipped photos: the engine learns it (ICA) as `basis render`
  // does, so the angle to the neuron is the CLI's.
  const learned = ['--layer', 'block8', '--channel', '10', '--mix', '0.6', '--toward', 'learned:3'];
  await page.selectOption('#toward-kind', 'learned');
  await page.locator('#toward-unit').fill('3');
  await page.locator('#toward-unit').dispatchEvent('change');
  await page.waitForFunction((hash) => location.hash === hash, fragment(...learned));
  assert.equal(await page.getAttribute('#toward-unit', 'max'), '31');
  await shownAngle(angle(...learned));
  assert.match(await page.getAttribute('#canvas', 'aria-label'), /learned direction 3/);
  // Inside a block there is no read or write direction: the choice goes back to a random one.
  await page.selectOption('#toward-kind', 'random');
  await page.selectOption('#layer', 'block8.dw');
  assert.equal(await page.inputValue('#toward-kind'), 'random');
  assert.equal(await page.isDisabled('#toward-kind option[value=read]'), true);
  assert.equal(await page.isVisible('#toward-unit'), false);
  assert.deepEqual(record.errors, []);
  await close();
});

test('feature accentuation: a link naming a pool photo draws what basis render draws; the own photo stays out of the link', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const flags = ['--layer', 'block8', '--channel', '10', '--start', 'photo:chelsea.png'];
  const link = fragment(...flags);
  assert.match(link, /^#r=BR/, 'a version 5 link');
  const code = link.replace(/^#r=/, '').split('&')[0];
  const { page, record, close } = await open(browser, link);
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#start'), 'photo:chelsea.png');
  assert.equal(await page.inputValue('#start-penalty'), '1000');
  const cli = (name, ...more) => {
    const out = join(tmpdir(), name);
    execFileSync(BASIS, ['render', ...more, '-o', out]);
    return readFileBytes(out).then((bytes) => decodePng(page, bytes));
  };
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const drawn = await decodePng(page, await readFileBytes(await download.path()));
  // The page fetched the photo the link names and started where `basis render` starts: the same
  // picture (native and wasm floats may differ in the last bits), far from the one noise gives.
  const rendered = await cli('basis-accentuated.png', '--recipe', code);
  const fromNoise = await cli('basis-from-noise.png', ...flags.slice(0, 4), '--size', '64', '--steps', String(STEPS));
  assert.ok(meanAbsoluteDifference(drawn, rendered) <= 1, `page vs CLI: ${meanAbsoluteDifference(drawn, rendered)}`);
  assert.ok(meanAbsoluteDifference(drawn, fromNoise) > 20, `a photo, not noise: ${meanAbsoluteDifference(drawn, fromNoise)}`);
  // The slider works there too: the picture goes on from the accentuated photo toward the random
  // direction, still held to the photo.
  await page.locator('#direction').fill('1');
  await waitForStep(page, 2 * STEPS);
  await waitForDone(page);
  const turned = await pixels(page);
  assert.ok(meanAbsoluteDifference(turned, await pixels(page)) === 0 && meanAbsoluteDifference(turned, drawn) > 0, 'the slider changed the picture');
  assert.ok(meanAbsoluteDifference(turned, fromNoise) > 20, `still the photo: ${meanAbsoluteDifference(turned, fromNoise)}`);

  // The user's own photo: chosen on the page, sent to the engine only. The link says "own" and
  // nothing of the photo; `basis render` given the same file draws the same picture.
  const before = await page.evaluate(() => location.hash);
  await page.selectOption('#start', 'own');
  assert.equal(await page.isVisible('#own-photo'), true);
  const own = join(DIST, 'photos', 'coffee.png');
  await page.setInputFiles('#own-photo', own);
  // The own photo's link: version 5, and (unlike the slider's last links) no photo's name in it.
  await page.waitForFunction((old) => {
    const code = location.hash.replace(/^#r=/, '').split('&')[0].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = atob(code + '='.repeat((4 - (code.length % 4)) % 4));
    return location.hash !== old && bytes.charCodeAt(0) === 5 && !bytes.includes('chelsea');
  }, before, { timeout: 60_000 });
  const ownCode = (await page.evaluate(() => location.hash)).replace(/^#r=/, '').split('&')[0];
  const bytes = Buffer.from(ownCode, 'base64url');
  assert.equal(bytes[0], 5);
  assert.ok(!bytes.includes(Buffer.from('coffee')) && !bytes.includes(Buffer.from('chelsea')), 'no photo name in the link');
  await waitForDone(page);
  const [ownDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const ownDrawn = await decodePng(page, await readFileBytes(await ownDownload.path()));
  const ownRendered = await cli('basis-own.png', '--recipe', ownCode, '--own-photo', own);
  assert.ok(meanAbsoluteDifference(ownDrawn, ownRendered) <= 1, `own photo, page vs CLI: ${meanAbsoluteDifference(ownDrawn, ownRendered)}`);

  // A file that is no photo is refused in words that name it; the page goes on.
  await page.setInputFiles('#own-photo', { name: 'notes.txt', mimeType: 'image/png', buffer: Buffer.from('not a photo') });
  await page.waitForFunction(() => document.querySelector('.message[role=alert]')?.textContent.includes('notes.txt'), null, { timeout: 60_000 });
  // Opened elsewhere, an own-photo link asks for a photo of one's own instead of drawing noise.
  const elsewhere = await open(browser, `#r=${ownCode}`);
  await ready(elsewhere.page);
  await elsewhere.page.waitForFunction(() => document.querySelector('.message[role=alert]')?.textContent.includes('links never carry'), null, { timeout: 60_000 });
  assert.equal(await elsewhere.page.inputValue('#start'), 'own');
  await elsewhere.close();
  assert.deepEqual(record.errors, []);
  await close();
});

test('a second visit downloads nothing and the app works offline', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const own = await serveDist();
  t.after(() => own.close());
  const { page, close } = await open(browser, fragment('--layer', 'block2', '--channel', '6'), { origin: own.origin });
  await ready(page);
  await waitForDone(page);
  // The service worker has taken the page once its cache holds every file of this release.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
  const first = [...own.served];
  assert.ok(first.some((p) => p.endsWith('.bpk')) && first.some((p) => p.endsWith('.wasm')), 'the first visit downloads');
  // The service worker downloads the release only once the page has its own copies: two downloads
  // writing one HTTP cache entry at once can cost the page its wasm.
  assert.ok(first.indexOf('/sw.js') > first.findIndex((p) => p.endsWith('.bpk')), 'the service worker waits for the engine');

  own.served.length = 0;
  await page.reload();
  await ready(page);
  await waitForDone(page);
  const second = own.served.filter((p) => p !== '/sw.js');
  assert.deepEqual(second, [], 'the second visit is served from the cache');

  await page.context().setOffline(true);
  await page.reload();
  assert.equal(await ready(page), 'CPU');
  await waitForDone(page);
  assert.equal(await page.inputValue('#channel'), '6', 'offline, the link still renders');
  await page.context().setOffline(false);
  await close();
});

test('the large photo pool: downloaded when a meter asks, measured as basis stats measures it, kept offline', async (t) => {
  // Five of the pool's photos, so the test stays short; the stamp (and so the offline cache) is the pool's.
  const list = JSON.parse(readFileSync(join(DIST, 'model/pool.json'), 'utf8'));
  const photos = list.photos.slice(0, 5);
  const folder = mkdtempSync(join(tmpdir(), 'basis-large-pool-'));
  for (const photo of photos) copyFileSync(join(DIST, 'pool', photo.name), join(folder, photo.name));
  const stats = JSON.parse(execFileSync(BASIS, ['stats', '--layer', 'block3.dw', '--photos', folder, '--json']).toString());
  const expected = `On the large pool (5 photos): Kurtosis AUC ${stats.kurtosis_auc.value.toFixed(3)} (95% interval ${stats.kurtosis_auc.low.toFixed(3)}–${stats.kurtosis_auc.high.toFixed(3)}): ${stats.verdict_text}.`;

  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const own = await serveDist({ overrides: { '/model/pool.json': () => JSON.stringify({ ...list, photos }) } });
  t.after(() => own.close());
  const { page, close } = await open(browser, fragment('--layer', 'block3.dw', '--channel', '5'), { origin: own.origin });
  const measure = async () => {
    await ready(page);
    await page.click('#examples-toggle');
    await page.waitForSelector('#large-meter-ask', { state: 'visible', timeout: 300_000 });
    assert.equal(await page.isVisible('#large-meter-auc'), false, 'measured only when asked for');
    await page.click('#large-meter-ask');
    await page.waitForSelector('#large-meter-progress', { state: 'visible', timeout: 60_000 });
    assert.match(await page.textContent('#large-meter-progress'), /^(Downloading the large pool: \d of 5 photos|Measuring block3\.dw on the large pool: \d+ of 20 crops)…$/);
    await page.waitForSelector('#large-meter-auc', { state: 'visible', timeout: 600_000 });
    return page.textContent('#large-meter-auc');
  };
  const pooled = () => own.served.filter((p) => p.startsWith('/pool/'));
  assert.equal(await measure(), expected);
  assert.deepEqual(pooled(), photos.map((p) => `/pool/${p.name}`), 'each photo downloaded once, only when asked for');
  const row = await page.$$eval('#profile-table tr[data-layer="block3.dw"] td', (tds) => tds.map((td) => td.textContent));
  assert.ok(row[7].startsWith(stats.kurtosis_auc.value.toFixed(3)), `the profile's large-pool column: ${row[7]}`);
  const kept = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith('basis-pool-'));
    return Promise.all(names.map(async (n) => [n, (await (await caches.open(n)).keys()).length]));
  });
  assert.deepEqual(kept, [[`basis-pool-${list.stamp.slice(0, 16)}`, 5]], 'the photos are kept in the offline cache');

  // Offline, the pool comes from the cache and gives the same meter.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
  own.served.length = 0;
  await page.context().setOffline(true);
  await page.reload();
  assert.equal(await measure(), expected);
  assert.deepEqual(pooled(), [], 'nothing downloaded offline');
  await page.context().setOffline(false);
  await close();
});
