// Settings explained in place, presets carried by links, and the site installable as an app, in
// headless Chromium on the real model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { servedApp, launch, ready, decodePng } from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const link = (...flags) => execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '4', ...flags]).toString().trim();

const { open } = servedApp();

test('every setting is explained beside it, with its source; the fixed ones are read from the recipe', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await open(browser, link('--size', '64', '--steps', '4'));
  await ready(page);
  for (const control of ['#layer', '#seed', '#cospower', '#negative', '#centre', '#size', '#steps']) {
    const explained = await page.$eval(control, (c) => {
      const hint = c.closest('.control').querySelector('.explain');
      return hint && { text: hint.textContent, source: hint.querySelector('a')?.href };
    });
    assert.ok(explained?.text.length > 60, `${control} is explained: ${explained?.text}`);
    assert.match(explained.source, /^https:\/\/(distill\.pub|github\.com\/tensorflow\/lucid)\//, `${control} names its source`);
  }
  await page.click('details.explain summary');
  assert.equal(await page.textContent('#parametrization'), 'Parametrization: Fourier spectrum, decay 1.0, starting noise σ 0.01.');
  assert.equal(await page.textContent('#transforms'), 'Transforms: pad 12 px, jitter 8 px, scale 0.9–1.1, rotate ±10°, jitter 4 px.');
  await close();
});

test('a preset sets size and steps, a link restores it, and other values are custom', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await open(browser, link('--size', '224', '--steps', '512'));
  await ready(page);
  assert.equal(await page.inputValue('#preset'), 'faithful');
  assert.match(await page.textContent('#preset-purpose'), /^224 px \(the network's own input size\), 512 steps/);

  await page.selectOption('#preset', 'quick');
  await page.waitForFunction(() => document.querySelector('#size')?.value === '64' && document.querySelector('#steps')?.value === '64');
  // The address follows the recipe.
  await page.waitForFunction((quick) => location.hash === quick, link('--size', '64', '--steps', '64'));
  await page.reload();
  await ready(page);
  assert.equal(await page.inputValue('#preset'), 'quick', 'the link restores the preset');

  await page.fill('#steps', '100');
  await page.press('#steps', 'Enter');
  await page.waitForFunction(() => document.querySelector('#preset-purpose')?.textContent.startsWith('Custom'));
  assert.equal(await page.inputValue('#preset'), '', 'no preset is shown as chosen');
  await page.selectOption('#preset', 'quick');
  await page.waitForFunction(() => document.querySelector('#steps')?.value === '64');
  assert.equal(await page.inputValue('#preset'), 'quick', 'picking a preset again after custom settings shows it');
  await close();
});

test('the site installs as an app: its manifest names icons the site serves at their sizes', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await open(browser, '');
  const href = await page.getAttribute('link[rel=manifest]', 'href');
  const manifest = await (await page.request.get(new URL(href, page.url()).href)).json();
  assert.equal(manifest.start_url, './');
  assert.equal(manifest.display, 'standalone');
  const sizes = new Set();
  for (const icon of manifest.icons) {
    const response = await page.request.get(new URL(icon.src, page.url()).href);
    assert.equal(response.status(), 200, icon.src);
    const { width, height } = await decodePng(page, await response.body());
    assert.equal(`${width}x${height}`, icon.sizes, `${icon.src} is ${icon.sizes}`);
    sizes.add(icon.sizes);
  }
  assert.ok(sizes.has('192x192') && sizes.has('512x512'), 'the sizes an install needs');
  await close();
});
