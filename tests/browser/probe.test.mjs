// From a photo to its neurons, in headless Chromium on the real model (CPU fallback): the page's
// probe lists what `basis probe` lists for the same photo, layer and pixel; a click on the photo
// picks the position; a channel's link opens that channel in the view; the user's own photo is
// probed in the browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { servedApp, launch, ready, readFileBytes } from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const PHOTO = `${process.env.BASIS_DATA}/photos/chelsea.png`;
const { open } = servedApp();

/** The channels a list shows, with their values as printed. */
const listed = (page, id) => page.$$eval(`#${id} li`, (items) => items.map((li) => [Number(li.dataset.channel), Number(li.querySelector('.probe-value').textContent)]));

function sameAsCli(shown, cli, key, what) {
  assert.deepEqual(shown.map(([c]) => c), cli.map((e) => e.channel), `${what}: the channels basis probe lists, in its order`);
  for (const [[, value], entry] of shown.map((s, i) => [s, cli[i]])) {
    assert.ok(Math.abs(value - entry[key]) <= 2e-3 + 1e-3 * Math.abs(entry[key]), `${what}: ${value} vs ${entry[key]}`);
  }
}

test('the probe lists what basis probe lists, a click picks the position, a channel opens in the view', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const link = execFileSync(BASIS, ['link', '--layer', 'block8', '--channel', '3', '--mix', '0.5', '--size', '64', '--steps', '4']).toString().trim();
  const { page, close } = await open(browser, link);
  const logs = [];
  page.on('console', (message) => logs.push(message.text()));
  await ready(page);
  assert.ok(!logs.some((text) => text.includes('ran the photo pool through the network')), 'computed only when asked for');
  await page.click('#probe-toggle');
  await page.waitForSelector('#probe-overall li', { timeout: 300_000 });
  assert.ok(logs.some((text) => text.includes('ran the photo pool through the network to block8')), 'and computed once asked for');
  assert.equal(await page.locator('#probe-photo option').count(), 8, 'one choice per pool photo');
  await page.selectOption('#probe-photo', { label: 'chelsea.png' });
  await page.waitForFunction(() => document.querySelector('#probe-canvas').getAttribute('aria-label').startsWith('chelsea.png'));

  // A click on pixel (100, 80) of the 224 px crop, wherever the canvas is drawn and at whatever size.
  const cli = JSON.parse(execFileSync(BASIS, ['probe', PHOTO, '--layer', 'block8', '--at', '100,80', '--top', '8', '--json']).toString());
  sameAsCli(await listed(page, 'probe-overall'), cli.overall, 'mean', 'overall');
  assert.match(await page.textContent('#probe-map-of'), new RegExp(`channel ${cli.map.channel}$`), 'lit by the strongest channel');
  // From another position first, so the click is seen to move it.
  await page.fill('#probe-column', '0');
  await page.locator('#probe-column').dispatchEvent('change');
  await page.fill('#probe-row', '0');
  await page.locator('#probe-row').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('#probe-at-title').textContent === 'Strongest at column 0, row 0');
  assert.notDeepEqual(cli.at.cell, [0, 0]);
  const scale = (await page.$eval('#probe-canvas', (c) => c.clientWidth)) / 224;
  await page.click('#probe-canvas', { position: { x: (100.5) * scale, y: (80.5) * scale } });
  await page.waitForFunction((cell) => document.querySelector('#probe-column').value === String(cell[0]) && document.querySelector('#probe-row').value === String(cell[1]), cli.at.cell);
  assert.equal(await page.textContent('#probe-at-title'), `Strongest at column ${cli.at.cell[0]}, row ${cli.at.cell[1]}`);
  sameAsCli(await listed(page, 'probe-at'), cli.at.channels, 'value', 'at the pixel');

  // The keyboard's way to a position: the same lists as the CLI's for that pixel's cell.
  const corner = JSON.parse(execFileSync(BASIS, ['probe', PHOTO, '--layer', 'block8', '--at', '0,223', '--top', '8', '--json']).toString());
  await page.fill('#probe-column', String(corner.at.cell[0]));
  await page.locator('#probe-column').dispatchEvent('change');
  await page.fill('#probe-row', String(corner.at.cell[1]));
  await page.locator('#probe-row').dispatchEvent('change');
  await page.waitForFunction((cell) => document.querySelector('#probe-at-title').textContent === `Strongest at column ${cell[0]}, row ${cell[1]}`, corner.at.cell);
  sameAsCli(await listed(page, 'probe-at'), corner.at.channels, 'value', 'at the corner');

  // Lighting the photo by another channel changes its pixels, not the lists or the position;
  // a value out of range in a position field is brought into range there.
  await page.fill('#probe-row', '99');
  await page.locator('#probe-row').dispatchEvent('change');
  assert.equal(await page.inputValue('#probe-row'), '13', 'block8 has 14 rows');
  const pixels = () => page.$eval('#probe-canvas', (c) => Array.from(c.getContext('2d').getImageData(0, 0, 224, 224).data).join());
  const before = await pixels();
  const lists = async () => [await listed(page, 'probe-overall'), await listed(page, 'probe-at'), await page.textContent('#probe-at-title')];
  const listsBefore = await lists();
  await page.focus('#probe-overall li:nth-child(2) .probe-light');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#probe-overall li:nth-child(2) .probe-light', 'aria-pressed'), 'true');
  assert.match(await page.textContent('#probe-map-of'), new RegExp(`channel ${cli.overall[1].channel}$`));
  assert.notEqual(await pixels(), before);
  assert.deepEqual(await lists(), listsBefore);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Light the photo by channel ${cli.overall[1].channel}`, 'focus stays on the button');

  // A channel's link: the neuron itself (the slider back at 0) in the view above, and a link that
  // opens that page on its own.
  const channel = cli.at.channels[0].channel;
  const href = await page.getAttribute(`#probe-at li[data-channel="${channel}"] a`, 'href');
  await page.click(`#probe-at li[data-channel="${channel}"] a`);
  await page.waitForFunction((c) => document.querySelector('#channel').value === String(c), channel);
  assert.equal(Number(await page.inputValue('#direction')), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'channel', 'focus goes to the view it opened');
  await page.goto(new URL(href, page.url()).href);
  await ready(page);
  assert.equal(await page.inputValue('#channel'), String(channel));
  assert.equal(await page.inputValue('#layer'), 'block8');
  await close();
});

test('your own photo is probed in the browser, and a bad file says why', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const link = execFileSync(BASIS, ['link', '--layer', 'block3', '--size', '64', '--steps', '4']).toString().trim();
  const { page, close, record } = await open(browser, link);
  await ready(page);
  await page.click('#probe-toggle');
  await page.waitForSelector('#probe-overall li', { timeout: 300_000 });
  const cat = await readFileBytes(PHOTO);
  await page.setInputFiles('#probe-add-photo', [
    { name: 'my-cat.png', mimeType: 'image/png', buffer: Buffer.from(cat) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
  ]);
  // The added photo is the one shown, and the same pixels as chelsea.png probe the same.
  await page.waitForFunction(() => document.querySelector('#probe-canvas').getAttribute('aria-label').startsWith('my-cat.png'), null, { timeout: 300_000 });
  await page.waitForSelector('#probe-overall li');
  const cli = JSON.parse(execFileSync(BASIS, ['probe', PHOTO, '--layer', 'block3', '--top', '8', '--json']).toString());
  sameAsCli(await listed(page, 'probe-overall'), cli.overall, 'mean', 'your photo');
  await page.waitForFunction(() => document.querySelector('.message')?.textContent.includes('notes.txt is not a JPEG, PNG or WebP photo'), null, { timeout: 300_000 });
  assert.ok(!record.requests.some((url) => url.includes('my-cat')), 'the photo is not uploaded anywhere');
  await close();
});
