// "Predict the response" in headless Chromium on the real model (64 px, 4 steps, CPU fallback):
// the rounds and photo crops the CLI's key names, answers that score per arm, codes the tally
// counts per arm, and the quiz maker's predict links.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  serveDist, launch, ready, checkedPages, colours, cliFidelity, armTable, assertArmMedians,
} from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';

let server;
const pages = checkedPages();

before(async () => {
  server = await serveDist();
});

after(async () => {
  await server.close();
  pages.check({ errors: true });
});

/** Takes the test in a fresh page; `pick(round)` says which side to answer. */
async function takeTest(browser, test, pick) {
  const { page, close } = await pages.open(browser, server.origin, test.link);
  assert.equal(await ready(page), 'CPU');
  await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 600_000 });
  assert.match(await page.textContent('#protocol'), /Borowski et al\.'s \(ICLR 2021\) two-alternative task/);
  assert.match(await page.textContent('#protocol'), /8 shipped photos/);
  assert.match(await page.textContent('#protocol'), /gets the same rounds in the same order/);
  // On the CPU one engine per core (up to 4) prepares the rounds side by side.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores > 1) {
    await page.waitForFunction((n) => document.querySelector('#engines')?.textContent.includes(`${n} engines side by side`), Math.min(cores, 4));
  }
  await page.click('#start-quiz');
  const shown = [];
  // Each round's references as PNG (base64), as the student saw them.
  const references = [];
  for (let i = 0; i < test.key.length; i++) {
    await page.waitForSelector(`#quiz-round[data-round="${i}"]`);
    await page.check('input[name=confidence][value="3"]');
    await page.waitForSelector('#answer-left:not([disabled])', { timeout: 600_000 });
    shown.push(await page.getAttribute('#quiz-round', 'data-crops'));
    for (let k = 0; k < 4; k++) {
      assert.ok(await colours(page, `#reference-${k}`) > 50, `round ${i + 1}: reference ${k + 1} is an image`);
    }
    references.push(await page.$$eval('[id^=reference-]', (cs) => cs.map((c) => c.toDataURL('image/png').split(',')[1])));
    for (const side of ['left', 'right']) {
      assert.ok(await colours(page, `#${side}-image`) > 500, `round ${i + 1}: the ${side} photo is drawn`);
    }
    await page.click(pick(test.key[i]) === 'left' ? '#answer-left' : '#answer-right');
  }
  await page.waitForSelector('#quiz-end');
  return { page, close, shown, references, code: await page.inputValue('#result-code') };
}

test('predict the response, shared rounds: the CLI\'s rounds and crops, scores per arm, a tally that compares the arms', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const predict = JSON.parse(execFileSync(BASIS, ['predict', '--layers', 'block3,block8', '--rounds', '4', '--size', '64', '--steps', '4', '--seed', '5', '--same-items']).toString());
  const other = (side) => (side === 'left' ? 'right' : 'left');
  // Right on the neuron rounds, wrong on the random ones.
  const first = await takeTest(browser, predict, (round) => (round.arm === 'neuron' ? round.strong : other(round.strong)));
  const expected = predict.key.map((round) => {
    const [strong, weak] = [round.strong_crop.index, round.weak_crop.index];
    return (round.strong === 'left' ? [strong, weak] : [weak, strong]).join(',');
  });
  assert.deepEqual(first.shown, expected, 'the page shows the crops basis predict names, on the same sides');
  const page = first.page;
  assert.equal(await page.textContent('#score'), 'Your score: 2 of 4');
  assert.match(await page.textContent('#arm-verdict'), /^Neurons 100% .*random directions 0% .*Fisher's exact test p = /);
  assert.deepEqual(await page.$$eval('#answer-key tbody tr', (rows) => rows.map((r) => r.dataset.arm)), predict.key.map((r) => r.arm));
  assert.equal(await page.getAttribute('#tally-link', 'href'), predict.tally);
  // The references' fidelity per arm: the medians `basis fidelity` gives for the pictures shown.
  const fidelity = await armTable(page, '#predict-fidelity');
  assert.deepEqual(fidelity.map((r) => [r.arm, r.pictures]), ['neuron', 'random'].map((arm) => [arm, 4 * predict.key.filter((r) => r.arm === arm).length]));
  const references = predict.key.flatMap((round, i) => first.references[i].map((png) => ({ png, link: round.direction, arm: round.arm })));
  assertArmMedians(fidelity, cliFidelity(BASIS, references));
  await page.reload();
  await page.waitForSelector('#quiz-end');
  assert.equal(await page.inputValue('#result-code'), first.code, 'a reload keeps the answers');
  await first.close();

  // A second student who always picks the strong photo.
  const second = await takeTest(browser, predict, (round) => round.strong);
  assert.deepEqual(second.shown, first.shown, 'every student gets the same rounds');
  await second.close();

  const tally = await pages.open(browser, server.origin, predict.tally);
  assert.match(await tally.page.textContent('h1'), /predict the response/);
  await tally.page.fill('#codes', [first.code, second.code, second.code].join('\n'));
  await tally.page.click('#count-codes');
  const lines = await tally.page.$$eval('#checked-codes li', (items) => items.map((li) => li.className));
  assert.deepEqual(lines, ['accepted', 'accepted', 'refused']);
  assert.equal(await tally.page.textContent('#tally-students'), '2 students, 8 answers: 6 correct.');
  // Neurons 4 of 4, random directions 2 of 4; with shared rounds the items are the unit.
  const cli = JSON.parse(execFileSync(BASIS, ['tally', predict.tally, '--fidelity'], { input: [first.code, second.code, second.code].join('\n') }).toString());
  // The tally makes the students' references again, natively: each arm's fidelity is the end
  // screen's up to how native and wasm floats differ (0.2–3.8% measured; 10% allowed).
  for (const row of fidelity) {
    const made = cli.fidelity_by_arm[row.arm];
    assert.equal(made.pictures, row.pictures, row.arm);
    for (const [key, value] of [['median_ratio', row.ratio], ['median_specificity', row.specificity]]) {
      assert.ok(Math.abs(made[key] - value) <= 0.1 * Math.abs(value), `${row.arm} ${key}: tally ${made[key]}, end screen ${value}`);
    }
  }
  assert.deepEqual(cli.codes.map((c) => c.accepted), [true, true, false]);
  assert.deepEqual([cli.students, cli.pooled.correct, cli.pooled.total], [2, 6, 8]);
  const items = await tally.page.textContent('#tally-arm-items');
  assert.match(items, new RegExp(`^By item \\(${cli.arm_by_item.neuron_items} neurons, ${cli.arm_by_item.random_items} random directions\\)`));
  assert.match(items, new RegExp(`\\+${Math.round(100 * cli.arm_by_item.difference)} points; permutation test of the items' kinds, p = ${cli.arm_by_item.p_value.toFixed(3)}`));
  assert.match(await tally.page.textContent('#tally-arm-students'), new RegExp(`p = ${cli.arm_by_student.p_value.toFixed(3)}`));
  assert.match(await tally.page.textContent('#tally-verdict'), new RegExp(`sign-flip test, p = ${cli.above_chance.p_value.toFixed(3)}`));
  // Everyone had the same rounds: better than chance with the items as the unit too.
  const aboveByItem = await tally.page.textContent('#tally-verdict-items');
  assert.match(aboveByItem, new RegExp(`^Items as the unit \\(${cli.above_chance_by_item.items} items\\)`));
  assert.match(aboveByItem, new RegExp(`sign-flip test over the items, p = ${cli.above_chance_by_item.p_value.toFixed(3)}`));
  assert.match(aboveByItem, new RegExp(`These ${cli.above_chance_by_item.items} items could not give p < 0\\.05 whatever the answers \\(the smallest possible p is ${cli.above_chance_by_item.smallest_p_value.toFixed(3)}\\)`));
  assert.match(await tally.page.textContent('#tally-pooled-note'), /not a test/);
  // Both students answered "sure" every time.
  const confidence = await tally.page.$$eval('#tally-confidence tbody tr', (rows) => rows.map((r) => `${r.cells[0].textContent}: ${r.cells[1].textContent}`));
  assert.deepEqual(confidence.filter((row) => !row.endsWith('0 / 0')), ['Neurons, sure: 4 / 4', 'Random directions, sure: 2 / 4']);
  assert.deepEqual(confidence, cli.by_confidence.map((row) => `${row.part}: ${row.correct} / ${row.total}`));
  const parts = await tally.page.$$eval('#tally-parts tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(parts, ['Neurons', 'Random directions', 'block3', 'block8']);
  await tally.close();
});

test('predict the response with a third arm: learned directions\' rounds as the CLI keys them, their fidelity, and a tally of each pair', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const predict = JSON.parse(execFileSync(BASIS, ['predict', '--learned', '--layers', 'block3', '--rounds', '3', '--size', '64', '--steps', '4', '--seed', '5', '--same-items']).toString());
  assert.deepEqual([...predict.key.map((r) => r.arm)].sort(), ['learned', 'neuron', 'random']);
  const other = (side) => (side === 'left' ? 'right' : 'left');
  const first = await takeTest(browser, predict, (round) => (round.arm === 'neuron' ? round.strong : other(round.strong)));
  // The learned round's crops are the CLI's: the engine learned the same direction.
  const expected = predict.key.map((round) => {
    const [strong, weak] = [round.strong_crop.index, round.weak_crop.index];
    return (round.strong === 'left' ? [strong, weak] : [weak, strong]).join(',');
  });
  assert.deepEqual(first.shown, expected);
  // Held out: the learned direction is learned from the odd photos, and every round's photos come
  // from the even ones.
  assert.match(predict.key.find((r) => r.arm === 'learned').learned, /^learned-half:\d+$/);
  for (const round of predict.key) {
    assert.deepEqual([round.strong_crop.index, round.weak_crop.index].map((c) => Math.floor(c / 4) % 2), [0, 0], `round ${round.round}`);
  }
  const page = first.page;
  assert.deepEqual(await page.$$eval('#answer-key tbody tr', (rows) => rows.map((r) => r.dataset.arm)), predict.key.map((r) => r.arm));
  const fidelity = await armTable(page, '#predict-fidelity');
  assert.deepEqual(fidelity.map((r) => [r.arm, r.pictures]), [['neuron', 4], ['random', 4], ['learned', 4]]);
  const references = predict.key.flatMap((round, i) => first.references[i].map((png) => ({ png, link: round.direction, arm: round.arm })));
  assertArmMedians(fidelity, cliFidelity(BASIS, references));
  await first.close();
  const second = await takeTest(browser, predict, (round) => round.strong);
  await second.close();

  const tally = await pages.open(browser, server.origin, predict.tally);
  await tally.page.fill('#codes', [first.code, second.code].join('\n'));
  await tally.page.click('#count-codes');
  const cli = JSON.parse(execFileSync(BASIS, ['tally', predict.tally], { input: [first.code, second.code].join('\n') }).toString());
  const pairs = await tally.page.$$eval('#tally-pairs li', (items) => items.map((li) => ({ pair: li.dataset.pair, text: li.textContent })));
  assert.deepEqual(pairs.map((p) => p.pair), cli.pairs.map((p) => `${p.a}-${p.b}`));
  assert.deepEqual(pairs.map((p) => p.pair), ['neuron-random', 'neuron-learned', 'random-learned']);
  for (const [i, p] of cli.pairs.entries()) {
    assert.match(pairs[i].text, new RegExp(`p = ${p.by_item.p_value.toFixed(3)}, Holm-adjusted p = ${p.p_holm.toFixed(3)}`));
  }
  const parts = await tally.page.$$eval('#tally-parts tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(parts, ['Neurons', 'Random directions', 'Learned directions', 'block3']);
  // The tally page makes every reference again on request: each arm's medians as `basis tally
  // --fidelity` measures them (native and wasm floats differ in their last bits: 10% allowed).
  await tally.page.click('#tally-fidelity-start');
  await tally.page.waitForSelector('#tally-fidelity:not([hidden])', { timeout: 600_000 });
  const remade = await armTable(tally.page, '#tally-fidelity');
  const measured = JSON.parse(execFileSync(BASIS, ['tally', predict.tally, '--fidelity'], { input: [first.code, second.code].join('\n') }).toString()).fidelity_by_arm;
  assert.deepEqual(remade.map((r) => [r.arm, r.pictures]), [['neuron', 4], ['random', 4], ['learned', 4]]);
  for (const row of remade) {
    for (const [key, cli] of [['ratio', measured[row.arm].median_ratio], ['specificity', measured[row.arm].median_specificity]]) {
      assert.ok(Math.abs(row[key] - cli) <= 0.1 * Math.abs(cli), `${row.arm} ${key}: page ${row[key]}, CLI ${cli}`);
    }
  }
  await tally.close();
});

test('make a quiz: predict-the-response links, and bad ones say why', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await pages.open(browser, server.origin, '#make-quiz');
  await page.check('#kind-predict');
  await page.waitForFunction(() => document.querySelector('#quiz-link')?.value.includes('#predict='));
  const link = await page.inputValue('#quiz-link');
  const tallyUrl = await page.inputValue('#tally-url');
  assert.equal(link.split('#predict=')[1], tallyUrl.split('#predict-tally=')[1]);
  await page.fill('#quiz-rounds', '5');
  await page.dispatchEvent('#quiz-rounds', 'change');
  assert.match(await page.textContent('#make-quiz-error'), /rounds: 5 is out of range \(an even number/);
  await page.goto(`${server.origin}/#predict=%3Cscript%3E`);
  await page.waitForSelector('#quiz-error');
  assert.match(await page.textContent('#quiz-error'), /This quiz link could not be read/);
  await page.goto(`${server.origin}/#predict-tally=AQAB`);
  await page.waitForSelector('#tally-error');
  assert.match(await page.textContent('#tally-error'), /This tally link could not be read/);
  await close();
});

/** The key `basis predict` gives for one student of a test made with `flags`. */
function keyFor(flags, student) {
  return JSON.parse(execFileSync(BASIS, ['predict', ...flags, '--student', student]).toString()).key;
}

const photoOf = (crop) => Math.floor(crop / 4);

test('predict the response with control rounds: no-reference and catch rounds, photo references from the other half, a student who misses a catch round set aside', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const flags = ['--controls', '--layers', 'block3,block8.dw', '--rounds', '4', '--size', '64', '--steps', '4', '--seed', '7'];
  const predict = JSON.parse(execFileSync(BASIS, ['predict', ...flags]).toString());
  const codes = [];
  let missedRound;
  for (const student of ['all right', 'also all right', 'misses a catch round']) {
    const { page, close } = await pages.open(browser, server.origin, predict.link);
    assert.equal(await ready(page), 'CPU');
    const key = keyFor(flags, await page.getAttribute('main', 'data-student'));
    assert.equal(key.length, 10, '4 counted rounds and 6 control rounds');
    assert.deepEqual(key.slice(0, 2).map((r) => r.condition), ['none', 'none']);
    assert.deepEqual(key.slice(-2).map((r) => r.condition), ['none', 'none']);
    const catchRounds = key.filter((r) => r.condition === 'catch').map((r) => r.round);
    assert.equal(catchRounds.length, 2);
    await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 600_000 });
    assert.match(await page.textContent('#control-protocol'), /a reference is never one of them/);
    await page.click('#start-quiz');
    for (const [i, round] of key.entries()) {
      await page.waitForSelector(`#quiz-round[data-round="${i}"]`);
      await page.check('input[name=confidence][value="2"]');
      await page.waitForSelector('#answer-left:not([disabled])', { timeout: 600_000 });
      const [strong, weak] = [round.strong_crop.index, round.weak_crop.index];
      const sides = (round.strong === 'left' ? [strong, weak] : [weak, strong]).join(',');
      assert.equal(await page.getAttribute('#quiz-round', 'data-crops'), sides, `round ${i + 1}: the CLI's photos`);
      // Queries from one half (the even photos unless the direction is silent on all of them).
      const half = photoOf(strong) % 2;
      assert.equal(photoOf(weak) % 2, half, 'both queries from one half');
      if (round.condition === 'none') {
        assert.ok(await page.isVisible('#no-references'), `round ${i + 1} has no references`);
      } else if (round.condition === 'visualizations') {
        assert.ok(await colours(page, '#reference-0') > 50);
      } else {
        const refs = (await page.getAttribute('#photo-references', 'data-crops')).split(',').map(Number);
        const cli = [...round.photo_references.strongest, ...round.photo_references.weakest].map((c) => c.index);
        assert.deepEqual(refs, cli, `round ${i + 1}: the CLI's photo references`);
        const own = refs.filter((c) => round.condition === 'catch' && c === strong);
        assert.equal(own.length, round.condition === 'catch' ? 1 : 0, 'a catch round shows the right photo among its references');
        assert.ok(refs.filter((c) => c !== strong).every((c) => photoOf(c) % 2 !== half), 'other references from the other half');
        for (const k of [0, 3]) {
          assert.ok(await colours(page, `#weakest-${k}`) > 500, 'the weakest photos are drawn');
        }
      }
      const wrong = student === 'misses a catch round' && round.round === catchRounds[1];
      if (wrong) missedRound = round.round;
      const other = round.strong === 'left' ? 'right' : 'left';
      await page.click(`#answer-${wrong ? other : round.strong}`);
    }
    await page.waitForSelector('#quiz-end');
    codes.push(await page.inputValue('#result-code'));
    await close();
  }

  const tally = await pages.open(browser, server.origin, predict.tally);
  await tally.page.fill('#codes', codes.join('\n'));
  await tally.page.click('#count-codes');
  const lines = await tally.page.$$eval('#checked-codes li', (items) => items.map((li) => [li.className, li.textContent]));
  assert.deepEqual(lines.map((l) => l[0]), ['accepted', 'accepted', 'set-aside']);
  assert.match(lines[2][1], new RegExp(`set aside: missed catch round ${missedRound} \\(the right photo itself was among the references\\)`));
  assert.equal(await tally.page.textContent('#tally-students'), '2 students, 8 answers: 8 correct.');
  assert.match(await tally.page.textContent('#tally-set-aside'), /^1 set aside/);
  const cli = JSON.parse(execFileSync(BASIS, ['tally', predict.tally], { input: codes.join('\n') }).toString());
  assert.equal(cli.set_aside.length, 1);
  assert.deepEqual(cli.set_aside[0].missed_catch_rounds, [missedRound]);
  // The table gives the CLI's numbers: both counted students right on every round.
  const cells = await tally.page.$$eval('#tally-condition-table tbody tr', (rows) => rows.map((r) => `${r.cells[0].textContent}: ${r.cells[1].textContent}`));
  const names = { none: 'no references', visualizations: 'visualizations', photos: 'photos as references' };
  const percent = (x) => Math.round(100 * (0.5 + x));
  assert.deepEqual(cells, cli.by_condition.map((c) => {
    const r = c.above_chance;
    return `${c.arm}, ${names[c.condition]}: ${percent(r.mean_difference)}% (95% bootstrap interval ${percent(r.interval[0])}–${percent(r.interval[1])}%), ${r.students} students`;
  }));
  assert.ok(cells.every((cell) => cell.includes(': 100% (95% bootstrap interval 100–100%), 2 students')), cells.join('; '));
  assert.ok(await tally.page.isVisible('#condition-chart'));
  await tally.close();
});
