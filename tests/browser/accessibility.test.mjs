// Accessibility, in headless Chromium on the real model (64 px, few steps): axe-core finds no
// serious or critical WCAG 2.2 A/AA violation on any page in the states a class meets; a quiz, a
// predict test and the tally work with the keyboard alone, with focus where the work goes on; the
// live view honours reduced motion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { servedApp, launch, ready, waitForDone, waitForStep, accessibilityViolations } from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';
const basisJson = (...args) => JSON.parse(execFileSync(BASIS, args).toString().trim());

const { open } = servedApp();

async function noViolations(page, where) {
  assert.deepEqual(await accessibilityViolations(page), [], `${where}: no serious or critical WCAG violation`);
}

/** Presses Tab until `selector` has focus, as a keyboard user gets there; fails if it never does. */
async function tabTo(page, selector) {
  for (let presses = 0; presses < 80; presses++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reaches ${selector}`);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

/** Distinct pictures the live view's canvas shows while its run goes on, and for how long. */
async function picturesDuringRun(page) {
  return page.evaluate(async () => {
    const canvas = document.querySelector('#canvas');
    const seen = new Set();
    const started = performance.now();
    while (document.querySelector('#done')?.hidden !== false) {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let hash = 0;
      for (let i = 0; i < data.length; i += 7) hash = (hash * 31 + data[i]) >>> 0;
      seen.add(hash);
      await new Promise((r) => setTimeout(r, 30));
    }
    return { pictures: seen.size, seconds: (performance.now() - started) / 1000 };
  });
}

test('the single view speaks its slider and picture, and is axe-clean running and with its examples, meter, probe and fidelity panel', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const link = execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '4', '--size', '64', '--steps', '8']).toString().trim();
  const { page, close } = await open(browser, link);
  await ready(page);
  await waitForDone(page);
  assert.equal(await page.getAttribute('#direction', 'aria-valuetext'), 't 0.00, 0° from the neuron');
  assert.match(await page.getAttribute('#canvas', 'aria-label'), /^Feature visualization at layer block3, neuron 4, step 8 of 8$/);
  assert.equal(await page.title(), 'Basis — neurons and random directions');
  await noViolations(page, 'the live view');
  await page.click('#examples-toggle');
  await page.waitForSelector('#meter-auc', { state: 'visible', timeout: 600_000 });
  await noViolations(page, 'the dataset examples and the meter');
  await page.click('#probe-toggle');
  await page.waitForSelector('#probe-overall li');
  assert.match(await page.getAttribute('#probe-canvas', 'aria-label'), /as the network sees it .* bright where channel \d+ of block3 responds .* the marked position is column \d+, row \d+$/);
  await noViolations(page, 'the probe');
  await page.click('#fidelity-toggle');
  await page.waitForSelector('#fidelity-specificity', { state: 'visible' });
  await noViolations(page, 'the fidelity panel');
  await close();
});

test('reduced motion: the live view paints a frame every few seconds and says so', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const link = execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '4', '--size', '64', '--steps', '48']).toString().trim();
  const { page, close } = await open(browser, link);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await ready(page);
  assert.equal(await page.isVisible('#reduced-motion'), true);
  assert.match(await page.textContent('#reduced-motion'), /reduced motion: a new frame every 3 s/);
  await waitForStep(page, 1);
  const calm = await picturesDuringRun(page);
  // The first frame (painted before this loop started), one every 3 s, and the last.
  assert.ok(calm.pictures <= Math.floor(calm.seconds / 3) + 3, `${calm.pictures} pictures in ${calm.seconds.toFixed(1)} s`);

  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.reload();
  await ready(page);
  assert.equal(await page.isVisible('#reduced-motion'), false);
  await waitForStep(page, 1);
  const lively = await picturesDuringRun(page);
  assert.ok(lively.pictures > calm.pictures, `every step is painted without it: ${lively.pictures} pictures vs ${calm.pictures}`);
  await close();
});

test('a blind sheet and the contrast page: axe-clean, tiles named without giving the answer away, Reveal by keyboard', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const sheet = basisJson('sheet', '--layer', 'block3', '--neurons', '2', '--random', '2', '--size', '64', '--steps', '4', '--seed', '7', '--blind', '-o', '/tmp/basis-a11y-sheet.png');
  const { page, close } = await open(browser, sheet.link);
  await page.waitForFunction(() => document.querySelector('#sheet-progress')?.textContent === 'Done.', null, { timeout: 600_000 });
  assert.equal(await page.title(), 'Basis: neurons vs random directions');
  assert.equal(await page.inputValue('#sheet-steps'), '4', 'a link\'s steps that are not among the choices are shown as they are');
  const names = await page.$$eval('.tile a', (links) => links.map((a) => a.getAttribute('aria-label')));
  assert.deepEqual(names, [1, 2, 3, 4].map((i) => `Tile ${i}: open this direction on its own page`));
  assert.equal(await page.textContent('#tiles-finished'), '4 of 4 tiles finished');
  await noViolations(page, 'a blind sheet');
  await tabTo(page, '#reveal');
  await page.keyboard.press('Enter');
  // Focus moves once the labels are drawn (the next frame).
  await page.waitForFunction(() => /^(neuron \d+|random \d+): open/.test(document.activeElement?.getAttribute('aria-label') ?? ''), null, { timeout: 10_000 });
  await noViolations(page, 'a revealed sheet');
  await close();

  const contrast = await open(browser, basisJson('sheet', '--layer', 'block3.dw', '--neurons', '1', '--random', '1', '--size', '64', '--steps', '4', '-o', '/tmp/basis-a11y-contrast.png').contrast);
  await contrast.page.waitForFunction(() => document.querySelector('#contrast-progress')?.textContent === 'Done.', null, { timeout: 600_000 });
  await noViolations(contrast.page, 'the contrast page');
  await contrast.close();
});

/** Takes a class test from its link with the keyboard only, checking axe at the intro, round 1
 * and the end; returns the result code. */
async function keyboardOnly(browser, link, name) {
  const { page, close } = await open(browser, link);
  await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 600_000 });
  await noViolations(page, `${name}: the intro`);
  await tabTo(page, '#start-quiz');
  await page.keyboard.press('Enter');
  const rounds = Number((await page.textContent('#rounds-ready')).match(/of (\d+)/)[1]);
  for (let i = 0; i < rounds; i++) {
    await page.waitForSelector(`#quiz-round[data-round="${i}"]`);
    assert.equal(await page.evaluate(() => document.activeElement?.matches('#quiz-round h2')), true, `${name}: round ${i + 1} takes focus`);
    await page.waitForFunction(() => document.querySelector('#round-state')?.textContent.startsWith('Ready'), null, { timeout: 600_000 });
    await tabTo(page, 'input[name=confidence]');
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => document.activeElement?.matches('input[name=confidence]:checked')), true, `${name}: focus stays on the picked confidence`);
    await tabTo(page, '#answer-left');
    if (i === 0) await noViolations(page, `${name}: a round`);
    await page.keyboard.press('Enter');
  }
  await page.waitForSelector('#quiz-end');
  assert.equal(await focused(page), 'score', `${name}: the end screen takes focus`);
  await noViolations(page, `${name}: the end screen`);
  const code = await page.inputValue('#result-code');
  await close();
  return code;
}

/** Counts `code` on the tally page with the keyboard only. */
async function keyboardTally(browser, tally, code, name) {
  const { page, close } = await open(browser, tally);
  await noViolations(page, `${name}: an empty tally`);
  await tabTo(page, '#codes');
  await page.keyboard.type(code);
  await tabTo(page, '#count-codes');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tally-students');
  assert.equal(await focused(page), 'tally-summary', `${name}: the counted tally takes focus`);
  assert.match(await page.textContent('#tally-students'), /^1 student, /);
  await noViolations(page, `${name}: a counted tally`);
  await close();
}

test('a quiz and its tally by keyboard alone, axe-clean from intro to tally', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const quiz = basisJson('quiz', '--layers', 'block3', '--rounds', '2', '--size', '64', '--steps', '4', '--seed', '3');
  const code = await keyboardOnly(browser, quiz.link, 'quiz');
  await keyboardTally(browser, quiz.tally, code, 'quiz');
});

test('a predict test and its tally by keyboard alone, axe-clean from intro to tally', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const predict = basisJson('predict', '--layers', 'block3', '--rounds', '2', '--size', '64', '--steps', '4', '--seed', '3');
  const code = await keyboardOnly(browser, predict.link, 'predict');
  await keyboardTally(browser, predict.tally, code, 'predict');
});

test('the quiz maker: axe-clean, one setting per row, its QR code full screen by keyboard with its version', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await open(browser, '#make-quiz');
  await page.waitForFunction(() => document.querySelector('#quiz-link')?.value.includes('#quiz='), null, { timeout: 300_000 });
  assert.equal(await page.title(), 'Make a quiz — Basis');
  await noViolations(page, 'the quiz maker');
  const rows = await page.$$eval(['#quiz-rounds', '#quiz-size', '#quiz-steps', '#quiz-seed'].join(','), (inputs) => inputs.map((i) => i.closest('label').getBoundingClientRect().top));
  assert.ok(rows.every((top, i) => i === 0 || top > rows[i - 1]), `each setting on its own row: ${rows}`);
  const version = Number((await page.textContent('#qr-version')).match(/^QR version (\d+) \((\d+) × \2 modules/)[1]);
  assert.ok(version <= 10, `a link that a projector's QR code carries at version ${version}`);
  await tabTo(page, '#qr-full');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'qr-close');
  const big = await page.$eval('#qr-overlay svg', (svg) => svg.getBoundingClientRect().width);
  assert.ok(big >= 560, `the QR code fills the screen (${big} px wide)`);
  await noViolations(page, 'the full-screen QR code');
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#qr-overlay'), false);
  assert.equal(await focused(page), 'qr-full', 'focus returns to the button that opened it');
  await close();
});
