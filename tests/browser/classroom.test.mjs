// The comparison sheet, the "spot the neuron" quiz, the teacher's tally and the quiz maker, in
// headless Chromium on the real model (64 px, 4 steps: the CPU fallback and SwiftShader are slow).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  serveDist, launch, ready, checkedPages, readFileBytes, colours, cliFidelity, armTable, assertArmMedians, DIST,
} from './harness.mjs';

const BASIS = process.env.BASIS ?? 'basis';

function basisJson(...args) {
  return JSON.parse(execFileSync(BASIS, args).toString().trim());
}

function basisJsonWithInput(input, ...args) {
  return JSON.parse(execFileSync(BASIS, args, { input }).toString().trim());
}

let server;
const pages = checkedPages();

before(async () => {
  server = await serveDist();
});

after(async () => {
  await server.close();
  pages.check({ errors: true });
});

async function open(browser, hash) {
  return pages.open(browser, server.origin, hash);
}

async function canvasData(page, selector) {
  return page.$eval(selector, (canvas) => Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data));
}

/** The standard deviation of `values`. */
function sd(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

function pixels(rgba) {
  const out = [];
  for (let i = 0; i < rgba.length; i += 4) out.push([rgba[i], rgba[i + 1], rgba[i + 2]]);
  return out;
}

function rmsContrast(rgba) {
  return sd(pixels(rgba).map(([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255));
}

function colourfulness(rgba) {
  const p = pixels(rgba);
  const rg = p.map(([r, g]) => r - g);
  const yb = p.map(([r, g, b]) => (r + g) / 2 - b);
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  return Math.hypot(sd(rg), sd(yb)) + 0.3 * Math.hypot(mean(rg), mean(yb));
}

async function sheetDone(page) {
  await page.waitForFunction(() => document.querySelector('#sheet-progress')?.textContent === 'Done.', null, { timeout: 600_000 });
}

test('comparison sheet: blind tiles, reveal, and each tile opens its own page', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  // Three arms: 2 neurons, 2 random directions and 1 direction learned from the shipped photos.
  const sheet = basisJson('sheet', '--layer', 'block3', '--neurons', '2', '--random', '2', '--learned', '1', '--size', '64', '--steps', '4', '--seed', '7', '--blind', '-o', '/tmp/basis-browser-sheet.png');

  await t.test('draws N + M + K tiles with hidden labels; Reveal shows which is which', async () => {
    const { page, close } = await open(browser, sheet.link);
    assert.equal(await ready(page), 'CPU');
    assert.equal(await page.isVisible('#cpu-notice'), true, 'the CPU is slow for sheets, and the page says so');
    assert.equal(await page.inputValue('#sheet-learned'), '1');
    await sheetDone(page);
    const tiles = page.locator('.tile');
    assert.equal(await tiles.count(), 5);
    assert.deepEqual(await page.$$eval('.tile', (ts) => ts.map((t) => t.dataset.kind)), ['hidden', 'hidden', 'hidden', 'hidden', 'hidden']);
    assert.deepEqual(await page.$$eval('.tile figcaption', (cs) => cs.map((c) => c.textContent)), ['Tile 1', 'Tile 2', 'Tile 3', 'Tile 4', 'Tile 5']);
    for (let i = 1; i <= 5; i++) {
      const n = await colours(page, `.tile:nth-child(${i}) canvas`);
      assert.ok(n > 50, `tile ${i} is an image (${n} colours)`);
    }
    const before = await canvasData(page, '.tile:nth-child(1) canvas');
    // Fidelity per arm would hint at the answer: a blind sheet keeps it until Reveal.
    await page.click('#sheet-fidelity-toggle');
    assert.match(await page.textContent('#sheet-fidelity-wait'), /after Reveal/);
    assert.equal(await page.isVisible('#sheet-fidelity-table'), false);
    await page.click('#reveal');
    // The same labels, in the same shuffled order, as the CLI's key for this link.
    assert.deepEqual(await page.$$eval('.tile figcaption', (cs) => cs.map((c) => c.textContent)), sheet.tiles.map((tile) => tile.label));
    const kinds = await page.$$eval('.tile', (ts) => ts.map((t) => t.dataset.kind));
    assert.deepEqual([...kinds].sort(), ['learned', 'neuron', 'neuron', 'random', 'random']);
    assert.deepEqual(await canvasData(page, '.tile:nth-child(1) canvas'), before, 'revealing keeps the images');
    assert.equal(await page.isVisible('#reveal'), false);

    // Then each arm's medians, which `basis fidelity` gives for the tiles' own pixels.
    await page.waitForSelector('#sheet-fidelity-table', { state: 'visible', timeout: 300_000 });
    const shown = await armTable(page, '#sheet-fidelity-table');
    assert.deepEqual(shown.map((r) => [r.arm, r.pictures]), [['neuron', 2], ['random', 2], ['learned', 1]]);
    const pngs = await page.$$eval('.tile canvas', (cs) => cs.map((c) => c.toDataURL('image/png').split(',')[1]));
    const pictures = sheet.tiles.map((tile, i) => ({ png: pngs[i], link: tile.link, arm: tile.label.split(' ')[0] }));
    assertArmMedians(shown, cliFidelity(BASIS, pictures));

    // A tile is a link to its own single-direction page.
    const href = await page.getAttribute('.tile:nth-child(1) a', 'href');
    assert.equal(href, sheet.tiles[0].link);
    await page.click('.tile:nth-child(1) a');
    await page.waitForSelector('#channel');
    await ready(page);
    // A neuron's page shows that channel at t = 0; a random direction's page sits at t = 1.
    const [kind, number] = sheet.tiles[0].label.split(' ');
    if (kind === 'neuron') {
      assert.equal(await page.inputValue('#channel'), number);
      assert.equal(await page.inputValue('#direction'), '0');
    } else {
      assert.equal(await page.inputValue('#direction'), '1');
    }
    await close();
  });

  await t.test('the single page links to a sheet of its layer, sized for the CPU', async () => {
    const recipe = execFileSync(BASIS, ['link', '--layer', 'block5', '--size', '64', '--steps', '4']).toString().trim();
    const { page, close } = await open(browser, recipe);
    await ready(page);
    // The controls are complete (the photo list arrives on its own) before anything is clicked.
    await page.waitForSelector('#start option[value="photo:chelsea.png"]', { state: 'attached' });
    const href = await page.getAttribute('#compare-link', 'href');
    assert.match(href, /^#sheet=/);
    await page.click('#compare-link');
    await page.waitForSelector('#sheet-layer');
    await ready(page);
    assert.equal(await page.inputValue('#sheet-layer'), 'block5');
    assert.equal(await page.inputValue('#sheet-size'), '64');
    assert.equal(await page.locator('.tile').count(), 8, '4 neurons and 4 random directions by default');
    await close();
  });

  await t.test('a bad sheet link says why and shows a default sheet', async () => {
    const { page, close } = await open(browser, '#sheet=AQ-broken');
    await ready(page);
    assert.match(await page.textContent('.message'), /This sheet link could not be read: the link's code/);
    await page.waitForFunction(() => document.querySelectorAll('.tile').length === 8);
    await close();
  });
});

test('WebGPU: a sheet renders its first tile alone, then the rest in batches', async (t) => {
  const browser = await launch({ webgpu: true });
  t.after(() => browser.close());
  const sheet = basisJson('sheet', '--layer', 'block2', '--neurons', '1', '--random', '2', '--size', '64', '--steps', '2', '-o', '/tmp/basis-browser-sheet-gpu.png');
  const { page, close } = await open(browser, sheet.link);
  const batches = [];
  page.on('console', (message) => {
    if (message.text().includes('basis engine: a batch of')) batches.push(message.text());
  });
  assert.equal(await ready(page), 'WebGPU');
  await sheetDone(page);
  // The first tile finished soon; a linked sheet's jobs are cut before the engine says which
  // device it has, so the rest is cut for one engine per core.
  const sizes = batches.map((b) => Number(b.match(/a batch of (\d+) images/)[1]));
  assert.equal(sizes[0], 1, batches.join('; '));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 3, batches.join('; '));
  assert.deepEqual(await page.$$eval('.tile figcaption', (cs) => cs.map((c) => c.textContent)), sheet.tiles.map((tile) => tile.label));
  for (let i = 1; i <= 3; i++) assert.ok(await colours(page, `.tile:nth-child(${i}) canvas`) > 50);
  await close();
});

/** Takes the quiz in a fresh page: answers "left" with confidence 2 in every round, and reads
 * the page's student from `data-student`, whose key `keyOf(student)` gives. With `reload`,
 * reloads after the first answer and at the end: nothing may be lost, the student's rounds
 * included. */
async function takeQuiz(browser, quiz, keyOf, { reload = false } = {}) {
  const { page, close } = await open(browser, quiz.link);
  await ready(page);
  await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 600_000 });
  const intro = await page.textContent('#quiz-intro');
  assert.match(intro, /same objective, the same settings/);
  assert.match(intro, /Your rounds are your own/);
  const student = await page.getAttribute('main', 'data-student');
  const key = keyOf(student);
  await page.click('#start-quiz');
  const rounds = [];
  for (let i = 0; i < key.length; i++) {
    await page.waitForSelector(`#quiz-round[data-round="${i}"]`);
    await page.waitForSelector('#answer-left', { state: 'visible' });
    await page.check('input[name=confidence][value="2"]');
    await page.waitForSelector('#answer-left:not([disabled])', { timeout: 600_000 });
    const png = (selector) => page.$eval(selector, (c) => c.toDataURL('image/png').split(',')[1]);
    rounds.push({
      heading: await page.textContent('#quiz-round h2'),
      left: await canvasData(page, '#left-image'),
      right: await canvasData(page, '#right-image'),
      leftPng: await png('#left-image'),
      rightPng: await png('#right-image'),
    });
    await page.click('#answer-left');
    if (reload && i === 0) {
      await page.reload();
      await ready(page);
      assert.equal(await page.getAttribute('main', 'data-student'), student, 'a reload keeps the student\'s own rounds');
    }
  }
  await page.waitForSelector('#quiz-end');
  const code = await page.inputValue('#result-code');
  if (reload) {
    await page.reload();
    await page.waitForSelector('#quiz-end');
    assert.equal(await page.inputValue('#result-code'), code, 'a reload keeps the answers and the code');
  }
  const score = await page.textContent('#score');
  const correct = key.filter((round) => round.neuron === 'left').length;
  return { page, close, student, key, rounds, code, score, correct, intro };
}

test('spot the neuron: each student their own rounds, a tally that grades each against theirs, tampering refused', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const flags = ['--layers', 'block3,block8', '--rounds', '2', '--size', '64', '--steps', '4', '--seed', '11'];
  const quiz = basisJson('quiz', ...flags);
  assert.equal(quiz.items, 'own');
  assert.equal(quiz.key, null, 'no key without a student');
  const keyOf = (student) => basisJson('quiz', ...flags, '--student', student).key;

  const first = await takeQuiz(browser, quiz, keyOf, { reload: true });
  const second = await takeQuiz(browser, quiz, keyOf);
  assert.notEqual(second.student, first.student);
  assert.notDeepEqual(second.key, first.key, 'two students get different rounds');
  for (const taken of [first, second]) {
    assert.deepEqual(taken.rounds.map((r) => r.heading), taken.key.map((r, i) => `Round ${i + 1} of 2 — layer ${r.layer}`));
    assert.equal(taken.score, `Your score: ${taken.correct} of 2`);
    for (const round of taken.rounds) assert.notDeepEqual(round.left, round.right);
  }
  assert.ok(
    first.rounds.some((round, i) => JSON.stringify(round.left) !== JSON.stringify(second.rounds[i].left)),
    'and different pictures',
  );
  // The end screen says how often the neuron's picture was the bolder one: recomputed here from
  // the canvases (RMS contrast of luminance; Hasler and Süsstrunk's colourfulness).
  for (const taken of [first, second]) {
    await taken.page.waitForFunction(() => document.querySelector('#confounds')?.textContent.includes('Of the 2 rounds measured'), null, { timeout: 600_000 });
    const said = (await taken.page.textContent('#confounds')).match(/higher contrast \(RMS\) in (\d+), was the more colourful in (\d+)/).slice(1).map(Number);
    const neuronHigher = (measure) => taken.rounds.filter((round, i) => {
      const [left, right] = [measure(round.left), measure(round.right)];
      return taken.key[i].neuron === 'left' ? left > right : right > left;
    }).length;
    assert.deepEqual(said, [neuronHigher(rmsContrast), neuronHigher(colourfulness)]);
  }
  // Each arm's fidelity over the quiz's pictures: the medians `basis fidelity` gives for them.
  await second.page.waitForFunction(() => [...document.querySelectorAll('#quiz-fidelity tbody tr .pictures')].map((c) => c.textContent).join() === '2,2', null, { timeout: 600_000 });
  const fidelity = await armTable(second.page, '#quiz-fidelity');
  assert.deepEqual(fidelity.map((r) => r.arm), ['neuron', 'random']);
  const armOf = (round, side) => (round.neuron === side ? 'neuron' : 'random');
  const pictures = second.key.flatMap((round, i) => [
    { png: second.rounds[i].leftPng, link: round.left, arm: armOf(round, 'left') },
    { png: second.rounds[i].rightPng, link: round.right, arm: armOf(round, 'right') },
  ]);
  assertArmMedians(fidelity, cliFidelity(BASIS, pictures));
  // `basis tally --fidelity` makes both students' pictures again, natively: its medians are those
  // of the pictures they saw, up to how native and wasm floats differ (0.2–3.8% measured over
  // three runs, each with new students; 10% allowed).
  const seen = [first, second].flatMap((taken) => taken.key.flatMap((round, i) => [
    { png: taken.rounds[i].leftPng, link: round.left, arm: armOf(round, 'left') },
    { png: taken.rounds[i].rightPng, link: round.right, arm: armOf(round, 'right') },
  ]));
  const tallied = JSON.parse(execFileSync(BASIS, ['tally', quiz.tally, '--fidelity'], { input: [first.code, second.code].join('\n') }).toString()).fidelity_by_arm;
  const tallyRows = ['neuron', 'random'].map((arm) => ({ arm, pictures: tallied[arm].pictures, ratio: tallied[arm].median_ratio, specificity: tallied[arm].median_specificity }));
  const distinct = seen.filter((p, i) => seen.findIndex((q) => q.link === p.link) === i);
  assert.deepEqual(tallyRows.map((r) => r.pictures), ['neuron', 'random'].map((arm) => distinct.filter((p) => p.arm === arm).length));
  assertArmMedians(tallyRows, cliFidelity(BASIS, distinct), 0.1);
  assert.match(await first.page.textContent('#accuracy'), /95% interval/);
  assert.equal(await first.page.locator('#answer-key tbody tr').count(), 2);
  assert.notEqual(first.code, second.code);
  const tallyHref = await first.page.getAttribute('#tally-link', 'href');
  assert.equal(tallyHref, quiz.tally);
  await first.close();
  await second.close();

  const { page, close } = await open(browser, quiz.tally);
  const tampered = first.code.replace(/-(\d)/, (_, d) => `-${d === '1' ? '4' : '1'}`);
  await page.fill('#codes', [first.code, second.code, first.code, tampered, 'hello there', ''].join('\n'));
  await page.click('#count-codes');
  const lines = await page.$$eval('#checked-codes li', (items) => items.map((li) => `${li.className}: ${li.textContent}`));
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^accepted/);
  assert.match(lines[1], /^accepted/);
  assert.match(lines[2], /^refused.*already counted/);
  assert.match(lines[3], /^refused.*checksum/);
  assert.match(lines[4], /^refused.*does not look like a result code/);
  assert.equal(await page.textContent('#tally-students'), `2 students, 4 answers: ${first.correct + second.correct} correct.`);
  const cli = basisJsonWithInput([first.code, second.code].join('\n'), 'tally', quiz.tally);
  assert.deepEqual([cli.students, cli.pooled.correct], [2, first.correct + second.correct]);
  const verdict = await page.textContent('#tally-verdict');
  assert.match(verdict, /^Students as the unit \(2 students\)/);
  assert.equal(await page.locator('#tally-verdict-items').count(), 0, 'each student\'s own items are no unit');
  assert.match(verdict, new RegExp(`sign-flip test, p = ${cli.above_chance.p_value.toFixed(3)}`));
  assert.equal(await page.locator('#tally-summary svg.accuracy-chart').count(), 1);
  await close();
});

test('spot the neuron with a third arm: neurons against random and learned foils as the CLI keys them, three arms\' fidelity, and a tally of each kind of foil', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const flags = ['--learned', '--layers', 'block3', '--rounds', '2', '--size', '64', '--steps', '4', '--seed', '13'];
  const quiz = basisJson('quiz', ...flags);
  assert.equal(Buffer.from(quiz.quiz, 'base64url')[0], 5, 'a version 5 link');
  const keyOf = (student) => basisJson('quiz', ...flags, '--student', student).key;
  const taken = [await takeQuiz(browser, quiz, keyOf), await takeQuiz(browser, quiz, keyOf)];
  for (const { page, key, intro } of taken) {
    assert.deepEqual(key.map((r) => r.foil).sort(), ['learned', 'random'], 'one round against each kind of foil');
    assert.match(intro, /in the other half a direction learned from photos/);
    assert.deepEqual(await page.$$eval('#answer-key tbody tr', (rows) => rows.map((r) => r.dataset.foil)), key.map((r) => r.foil));
    const learned = key.find((r) => r.foil === 'learned');
    assert.match(await page.textContent('#answer-key'), new RegExp(`against learned direction ${learned.learned}`));
  }
  // Each arm's fidelity, the learned foil's against the direction the CLI learns: the engine
  // learned the same one.
  const { page } = taken[1];
  await page.waitForFunction(() => [...document.querySelectorAll('#quiz-fidelity tbody tr .pictures')].map((c) => c.textContent).join() === '2,1,1', null, { timeout: 600_000 });
  const fidelity = await armTable(page, '#quiz-fidelity');
  assert.deepEqual(fidelity.map((r) => r.arm), ['neuron', 'random', 'learned']);
  const armOf = (round, side) => (round.neuron === side ? 'neuron' : round.foil);
  const pictures = (one) => one.key.flatMap((round, i) => [
    { png: one.rounds[i].leftPng, link: round.left, arm: armOf(round, 'left') },
    { png: one.rounds[i].rightPng, link: round.right, arm: armOf(round, 'right') },
  ]);
  const measured = cliFidelity(BASIS, pictures(taken[1]));
  assertArmMedians(fidelity, measured);
  // `basis tally --fidelity` makes the learned foils again from the CLI's own ICA.
  const codes = taken.map((one) => one.code).join('\n');
  const tallied = JSON.parse(execFileSync(BASIS, ['tally', quiz.tally, '--fidelity'], { input: codes }).toString());
  const seen = taken.flatMap(pictures).filter((p) => p.arm === 'learned');
  const distinct = seen.filter((p, i) => seen.findIndex((q) => q.link === p.link) === i);
  assert.equal(tallied.fidelity_by_arm.learned.pictures, distinct.length);
  assertArmMedians([{ arm: 'learned', ratio: tallied.fidelity_by_arm.learned.median_ratio, specificity: tallied.fidelity_by_arm.learned.median_specificity }], cliFidelity(BASIS, distinct), 0.1);
  for (const one of taken) await one.close();

  // The tally: each kind of foil against chance and the two compared, as `basis tally` says.
  const tally = await open(browser, quiz.tally);
  await tally.page.fill('#codes', codes);
  await tally.page.click('#count-codes');
  const lines = await tally.page.$$eval('#tally-foils li', (items) => items.map((li) => ({ foil: li.dataset.foil, text: li.textContent })));
  assert.deepEqual(lines.map((l) => l.foil), ['random', 'learned', 'difference']);
  for (const [i, above] of tallied.foils.above_chance.entries()) {
    assert.equal(above.foil, lines[i].foil);
    assert.match(lines[i].text, new RegExp(`p = ${above.result.p_value.toFixed(3)}, Holm-adjusted p = ${above.p_holm.toFixed(3)}`));
  }
  const difference = tallied.foils.difference;
  assert.match(lines[2].text, new RegExp(`^against random directions − against learned directions, by student \\(2 students\\).*p = ${difference.by_student.p_value.toFixed(3)}, Holm-adjusted p = ${difference.p_holm.toFixed(3)}`));
  const parts = await tally.page.$$eval('#tally-parts tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(parts, ['Against random directions', 'Against learned directions', 'block3']);
  assert.deepEqual(tallied.by_foil.map((f) => [f.foil, f.total]), [['random', 2], ['learned', 2]]);
  // On request the tally page makes every picture again and measures it, as `basis tally
  // --fidelity` does (native and wasm floats differ in their last bits: 10% allowed).
  await tally.page.click('#tally-fidelity-start');
  await tally.page.waitForSelector('#tally-fidelity:not([hidden])', { timeout: 600_000 });
  assert.match(await tally.page.textContent('#tally-fidelity-progress'), /pictures made again and measured/);
  const remade = await armTable(tally.page, '#tally-fidelity');
  const all = taken.flatMap(pictures);
  const each = all.filter((p, i) => all.findIndex((q) => q.link === p.link) === i);
  assert.deepEqual(remade.map((r) => [r.arm, r.pictures]), ['neuron', 'random', 'learned'].map((arm) => [arm, each.filter((p) => p.arm === arm).length]));
  assert.deepEqual(remade.map((r) => r.pictures), ['neuron', 'random', 'learned'].map((arm) => tallied.fidelity_by_arm[arm].pictures));
  assertArmMedians(remade, cliFidelity(BASIS, each), 0.1);
  // Counting again replaces the remade pictures, and their engines end with them.
  assert.ok(tally.page.workers().length > 0, 'the engines that made the pictures again');
  await tally.page.click('#count-codes');
  await tally.page.waitForSelector('#tally-fidelity-start');
  for (let waited = 0; tally.page.workers().length > 0 && waited < 30_000; waited += 100) await new Promise((done) => setTimeout(done, 100));
  assert.equal(tally.page.workers().length, 0, 'no engine left running after a recount');
  await tally.close();
});

test('make a quiz: a link, a QR code and a tally link, for these weights, on the network chosen, with no engine', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, record, close } = await open(browser, '#make-quiz');
  await page.waitForFunction(() => document.querySelector('#quiz-link')?.value.includes('#quiz='));
  // The weights id comes from the network's manifest: nothing downloads the weights.
  const lite0 = await page.inputValue('#quiz-link');
  await page.selectOption('#quiz-model', 'efficientnet-lite1');
  await page.waitForFunction((before) => document.querySelector('#quiz-link')?.value !== before, lite0);
  assert.equal(await page.locator('.layer-choice input[value="block20.dw"]').count(), 1, 'Lite1 has 21 blocks');
  await page.check('.layer-choice input[value="block20.dw"]');
  const lite1 = await page.inputValue('#quiz-link');
  // The link's bytes hold its strings as they are (wire.rs): the network, its weights id as the
  // manifest states it, the layer.
  const bytes = Buffer.from(lite1.split('#quiz=')[1], 'base64url').toString('latin1');
  const manifest = JSON.parse(Buffer.from(await readFileBytes(`${DIST}/model/efficientnet-lite1.json`)).toString());
  for (const part of ['efficientnet-lite1', manifest.hash, 'block20.dw']) assert.ok(bytes.includes(part), part);
  await page.selectOption('#quiz-model', 'efficientnet-lite0');
  await page.waitForFunction((before) => document.querySelector('#quiz-link')?.value === before, lite0);
  assert.equal(record.requests.filter((url) => url.endsWith('.bpk')).length, 0);
  await page.fill('#quiz-rounds', '12');
  await page.dispatchEvent('#quiz-rounds', 'change');
  await page.selectOption('#quiz-size', '64');
  const link = await page.inputValue('#quiz-link');
  const tally = await page.inputValue('#tally-url');
  assert.equal(link.split('#quiz=')[1], tally.split('#tally=')[1], 'the tally link names the same quiz');
  assert.equal(await page.locator('#quiz-qr svg').count(), 1, 'a QR code is drawn');
  await page.fill('#quiz-rounds', '99');
  await page.dispatchEvent('#quiz-rounds', 'change');
  assert.match(await page.textContent('#make-quiz-error'), /rounds: 99 is out of range/);
  await page.fill('#quiz-rounds', '12');
  await page.dispatchEvent('#quiz-rounds', 'change');
  await page.check('#quiz-same-items');
  const shared = await page.inputValue('#quiz-link');
  assert.notEqual(shared, link, 'the option is part of the link');
  // A third kind: learned foils, in a version 5 link; an odd number of rounds is refused.
  await page.check('#quiz-learned');
  await page.waitForFunction((before) => document.querySelector('#quiz-link')?.value !== before, shared);
  const learned = await page.inputValue('#quiz-link');
  assert.equal(Buffer.from(learned.split('#quiz=')[1], 'base64url')[0], 5);
  await page.fill('#quiz-rounds', '11');
  await page.dispatchEvent('#quiz-rounds', 'change');
  assert.match(await page.textContent('#make-quiz-error'), /an even number from 2 to 40 with learned foils/);
  await page.fill('#quiz-rounds', '12');
  await page.dispatchEvent('#quiz-rounds', 'change');
  await page.uncheck('#quiz-learned');
  await page.waitForFunction((before) => document.querySelector('#quiz-link')?.value === before, shared);
  await page.click('#take-quiz');
  await page.waitForSelector('#quiz-intro');
  assert.match(await page.textContent('#quiz-intro'), /^12 rounds/);
  assert.match(await page.textContent('#quiz-intro'), /gets the same rounds in the same order/);
  await close();
});

test('same-block contrast: a hidden ReLU6 tap beside its output, each with the meter basis stats prints', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const sheet = basisJson('sheet', '--layer', 'block3.dw', '--neurons', '1', '--random', '1', '--size', '64', '--steps', '4', '--seed', '5', '-o', '/tmp/basis-browser-contrast.png');
  assert.match(sheet.contrast, /^#contrast=/);
  const { page, close } = await open(browser, sheet.contrast);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('#contrast-progress')?.textContent === 'Done.', null, { timeout: 600_000 });
  assert.equal(await page.textContent('#contrast-hidden h2'), 'block3 · depthwise 144 · ReLU6');
  assert.equal(await page.textContent('#contrast-output h2'), 'block3 · output 40 · linear');
  for (const side of ['hidden', 'output']) {
    assert.equal(await page.locator(`#contrast-${side} .tile`).count(), 2);
    for (let i = 1; i <= 2; i++) assert.ok(await colours(page, `#contrast-${side} .tile:nth-child(${i}) canvas`) > 50, `${side} tile ${i} is drawn`);
  }
  const [hidden, output] = execFileSync(BASIS, ['stats', '--layer', 'block3.dw,block3', '--json']).toString().trim().split('\n').map((l) => JSON.parse(l));
  await page.waitForFunction(() => ['hidden', 'output'].every((s) => document.querySelector(`#contrast-${s}-auc`)?.textContent.startsWith('Kurtosis AUC')), null, { timeout: 300_000 });
  for (const [side, stats] of [['hidden', hidden], ['output', output]]) {
    const line = await page.textContent(`#contrast-${side}-auc`);
    assert.ok(line.startsWith(`Kurtosis AUC ${stats.kurtosis_auc.value.toFixed(3)} `), `${side}: ${line} vs ${stats.kurtosis_auc.value}`);
    assert.ok(line.endsWith(`): ${stats.verdict_text}.`), `${side}: ${line}`);
    assert.equal(await page.locator(`#contrast-${side}-strips line`).count(), stats.ranked_channels.length + stats.random_kurtosis.length);
  }
  assert.ok(hidden.kurtosis_auc.value > output.kurtosis_auc.value, 'inside the block the neurons are more special than at its output');
  const axis = (side) => page.$$eval(`#contrast-${side}-strips text.tick`, (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(await axis('hidden'), await axis('output'), 'both sides share one kurtosis axis');
  assert.equal(new URL(page.url()).hash, sheet.contrast, 'the page keeps its permalink');
  await page.selectOption('#contrast-layer', 'block5.expand');
  await page.waitForFunction(() => document.querySelector('#contrast-output h2')?.textContent.startsWith('block5 · output'));
  await close();
  const wrong = await open(browser, `#contrast=${basisJson('sheet', '--layer', 'block3', '--neurons', '1', '--random', '0', '--size', '64', '--steps', '2', '-o', '/tmp/basis-browser-contrast-b.png').sheet}`);
  await ready(wrong.page);
  assert.match(await wrong.page.textContent('.message'), /This contrast link could not be read: layer: a contrast puts a block's hidden ReLU6 tap .* `block3` is not one/);
  await wrong.page.waitForFunction(() => document.querySelector('#contrast-hidden h2')?.textContent.startsWith('block8 · depthwise'));
  await wrong.close();
});

test('bad quiz and tally links say why', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const { page, close } = await open(browser, '#quiz=%3Cscript%3E');
  assert.match(await page.textContent('#quiz-error'), /This quiz link could not be read/);
  await page.goto(`${server.origin}/#tally=AQAB`);
  await page.waitForSelector('#tally-error');
  assert.match(await page.textContent('#tally-error'), /This tally link could not be read/);
  await close();
});

test('dataset examples: the photos a direction responds to, following the slider', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const recipe = execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '7', '--seed', '2', '--size', '64', '--steps', '4']).toString().trim();
  const { page, close } = await open(browser, recipe);
  const logs = [];
  page.on('console', (message) => logs.push(message.text()));
  await ready(page);
  assert.equal(await page.isVisible('#examples-top'), false, 'computed only when asked for');
  await page.click('#examples-toggle');
  await page.waitForSelector('#examples-top', { state: 'visible', timeout: 300_000 });
  const shown = () => page.$$eval('.example', (figures) => figures.map((f) => `${f.querySelector('figcaption').textContent}@${f.dataset.crop}`));
  const atNeuron = await shown();
  assert.equal(atNeuron.length, 16);
  // The same ranking `basis examples` prints for this direction and pool.
  const cli = JSON.parse(execFileSync(BASIS, ['examples', '--layer', 'block3', '--channel', '7', '--seed', '2', '--count', '8', '-o', '/tmp/basis-browser-examples.png']).toString());
  assert.deepEqual(atNeuron.slice(0, 8).map((s) => s.split('@')[0]), cli.top.map((e) => e.photo));
  assert.deepEqual(atNeuron.slice(8).map((s) => s.split('@')[0]), cli.bottom.map((e) => e.photo));
  for (let i = 1; i <= 2; i++) assert.ok(await colours(page, `#examples-top .example:nth-child(${i}) canvas`) > 50, 'a photo crop is drawn');
  // The privileged-basis meter of the layer: the number `basis stats` prints for the same pool.
  await page.waitForSelector('#meter-auc', { state: 'visible' });
  const stats = JSON.parse(execFileSync(BASIS, ['stats', '--layer', 'block3', '--json']).toString());
  const meter = await page.textContent('#meter-auc');
  assert.match(meter, new RegExp(`^Kurtosis AUC ${stats.kurtosis_auc.value.toFixed(3)} `));
  assert.ok(meter.endsWith(`): ${stats.verdict_text}.`), `${meter} vs ${stats.verdict_text}`);
  const percent = (x) => (100 * x).toFixed(1);
  assert.equal(await page.textContent('#meter-saturation'), `Neuron 7 is at 0 on ${percent(stats.at_zero[7])}% of the positions and at 6 on ${percent(stats.at_six[7])}%.`);
  assert.equal(await page.locator('#meter-strips line').count(), stats.ranked_channels.length + stats.random_kurtosis.length, 'one tick per ranked neuron and per random direction');
  // The learned arm, when asked for: the directions and the AUC `basis stats --ica 32` prints for
  // the same photos (the page's activations differ from the CLI's in their last bits; at block3
  // ICA makes the same of both, see docs/science.md), and a third row of ticks, one per direction.
  await page.click('#meter-learned-ask');
  await page.waitForSelector('#meter-learned', { timeout: 300_000 });
  const { learned } = JSON.parse(execFileSync(BASIS, ['stats', '--layer', 'block3', '--ica', '32', '--json']).toString());
  const line = await page.textContent('#meter-learned');
  const [, kept, value, low, high] = line.match(/^Learned directions \(ICA, (\d+) heavy-tailed, each measured on the half of the photos it was not learned from\): AUC ([\d.]+) \(95% interval ([\d.]+)–([\d.]+)\) against random directions: /).map(Number);
  const printed = learned.kurtosis_auc;
  assert.deepEqual([kept, value, low, high], [learned.directions, ...[printed.value, printed.low, printed.high].map((x) => Number(x.toFixed(3)))], line);
  assert.equal(learned.verdict, 'heavier');
  assert.ok(line.endsWith(': ICA directions are more heavy-tailed than random directions.'), line);
  assert.ok(kept > 0);
  assert.equal(await page.locator('#meter-strips line.learned-tick').count(), kept);
  assert.equal(await page.locator('#meter-strips line.neuron-tick').count(), stats.ranked_channels.length, 'the two first rows stay');
  assert.equal(await page.textContent('#meter-auc'), meter, 'the neurons\' numbers do not move');

  // The whole network's profile, a row per tap, block by block, as `basis stats --all` prints it.
  const taps = execFileSync(BASIS, ['layers']).toString().trim().split('\n').map((line) => line.split(' '));
  await page.click('#profile-all');
  await page.waitForFunction((n) => document.querySelectorAll('#profile-table tbody tr').length === n, taps.length, { timeout: 1_200_000 });
  const rows = await page.$$eval('#profile-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), taps.map((t) => t[0]));
  assert.deepEqual(rows.map((r) => r[1]), taps.map((t) => t[4]));
  assert.equal(await page.locator('#profile-table tbody').count(), 18, 'the stem, 16 blocks, the head');
  const profiled = JSON.parse(`[${execFileSync(BASIS, ['stats', '--layer', 'block3,block8.dw,head', '--json']).toString().trim().split('\n').join(',')}]`);
  for (const line of profiled) {
    const row = rows.find((r) => r[0] === line.layer);
    assert.ok(row[3].startsWith(line.kurtosis_auc.value.toFixed(3)), `${line.layer}: ${row[3]} vs ${line.kurtosis_auc.value}`);
    assert.equal(row[4], line.verdict_text, line.layer);
    assert.equal(Number(row[5]), line.constant_channels.length, line.layer);
  }
  assert.match(await page.textContent('#profile-summary'), /of 33 ReLU6 taps, \d+ of 16 linear taps/);

  await page.$eval('#direction', (slider) => { slider.value = '1'; slider.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction((before) => {
    const now = [...document.querySelectorAll('.example')].map((f) => `${f.querySelector('figcaption').textContent}@${f.dataset.crop}`);
    return now.join() !== before.join();
  }, atNeuron, { timeout: 10_000 });
  const atRandom = await shown();
  const cliRandom = JSON.parse(execFileSync(BASIS, ['examples', '--layer', 'block3', '--channel', '7', '--seed', '2', '--mix', '1', '--count', '8', '-o', '/tmp/basis-browser-examples.png']).toString());
  assert.deepEqual(atRandom.slice(0, 8).map((s) => s.split('@')[0]), cliRandom.top.map((e) => e.photo));

  // A layer the profile ran the pool through last: its examples come from the cache (which keeps
  // the newest maps within 160 MB, so not every layer the profile saw).
  await page.selectOption('#layer', 'block15');
  await page.waitForFunction((before) => {
    const now = [...document.querySelectorAll('#examples-top .example')].map((f) => f.dataset.crop);
    return now.length === 8 && now.every(Boolean) && now.join() !== before.slice(0, 8).map((s) => s.split('@')[1]).join();
  }, atRandom, { timeout: 300_000 });
  const runs = (layer) => logs.filter((text) => text.includes(`ran the photo pool through the network to ${layer} in`)).length;
  assert.equal(runs('block15'), 1, 'block15 ran once, for the profile');
  assert.equal(runs('block3'), 1, 'block3 ran once, for the examples');
  await close();
});

test('your own photos join the pool in this browser; bad files each get a message', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  // block3 channel 17: the pool's strongest crop is chelsea's centre crop (`basis examples`).
  const recipe = execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '17', '--size', '64', '--steps', '4']).toString().trim();
  const { page, close, record } = await open(browser, recipe);
  await ready(page);
  await page.click('#examples-toggle');
  await page.waitForSelector('#examples-top', { state: 'visible', timeout: 300_000 });
  assert.equal(await page.textContent('#pool-size'), '8 photos');
  const cat = await readFileBytes(`${process.env.BASIS_DATA}/photos/chelsea.png`);
  await page.setInputFiles('#add-photos', [
    { name: 'my-cat.png', mimeType: 'image/png', buffer: Buffer.from(cat) },
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
  ]);
  await page.waitForFunction(() => document.querySelector('#pool-size')?.textContent === '9 photos', null, { timeout: 300_000 });
  // The same photo under another name: its centre crop is the same, so it ranks right after.
  await page.waitForFunction(() => [...document.querySelectorAll('#examples-top figcaption')].slice(0, 2).map((c) => c.textContent).join() === 'chelsea.png,my-cat.png', null, { timeout: 300_000 });
  // The refused files are answered after the photo before them is measured: wait for both.
  await page.waitForFunction(() => (document.querySelector('.message')?.textContent.match(/empty\.png|notes\.txt/g) ?? []).length >= 2, null, { timeout: 300_000 });
  const message = await page.textContent('.message');
  assert.match(message, /empty\.png is empty \(0 bytes\)/);
  assert.match(message, /notes\.txt is not a JPEG, PNG or WebP photo/);
  assert.ok(!record.requests.some((url) => url.includes('my-cat')), 'the photo is not uploaded anywhere');
  await page.reload();
  await ready(page);
  await page.click('#examples-toggle');
  await page.waitForFunction(() => document.querySelector('#pool-size')?.textContent === '8 photos', null, { timeout: 300_000 });
  await close();
});

test('kept photos come back on the next visit, until the user unticks "keep"', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  const recipe = execFileSync(BASIS, ['link', '--layer', 'block3', '--channel', '17', '--size', '64', '--steps', '4']).toString().trim();
  const { page, close, record } = await open(browser, recipe);
  const openExamples = async (photos) => {
    await ready(page);
    await page.click('#examples-toggle');
    await page.waitForFunction((n) => document.querySelector('#pool-size')?.textContent === `${n} photos`, photos, { timeout: 300_000 });
  };
  await openExamples(8);
  assert.equal(await page.isChecked('#keep-photos'), false);
  await page.check('#keep-photos');
  await page.waitForFunction(() => document.querySelector('#kept-photos')?.textContent.startsWith('Photos you add are kept'));
  const cat = await readFileBytes(`${process.env.BASIS_DATA}/photos/chelsea.png`);
  await page.setInputFiles('#add-photos', [
    { name: 'my-cat.png', mimeType: 'image/png', buffer: Buffer.from(cat) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
  ]);
  await page.waitForFunction(() => document.querySelector('#kept-photos')?.textContent.includes(': my-cat.png.'), null, { timeout: 300_000 });
  await page.waitForFunction(() => document.querySelector('.message')?.textContent.includes('notes.txt is not a JPEG, PNG or WebP photo'), null, { timeout: 300_000 });
  assert.match(await page.textContent('#kept-photos'), /: my-cat\.png\./, 'the refused file is not kept');

  // The next visit: the kept photo is back in the pool, ranked as before.
  await page.reload();
  await openExamples(9);
  assert.equal(await page.isChecked('#keep-photos'), true);
  await page.waitForFunction(() => [...document.querySelectorAll('#examples-top figcaption')].slice(0, 2).map((c) => c.textContent).join() === 'chelsea.png,my-cat.png', null, { timeout: 300_000 });
  assert.match(await page.textContent('#kept-photos'), /: my-cat\.png\. Untick to forget them/);
  assert.ok(!record.requests.some((url) => url.includes('my-cat')), 'the kept photo is never uploaded');

  await page.uncheck('#keep-photos');
  await page.waitForFunction(() => document.querySelector('#kept-photos')?.textContent.includes('gone when the page reloads'));
  await page.reload();
  await openExamples(8);
  await close();
});

test('a quiz prepares round 1 first: the student starts and answers it while later rounds are still being made', async (t) => {
  const browser = await launch({ webgpu: false });
  t.after(() => browser.close());
  // Enough steps that a round takes seconds: the order shows, without timing anything.
  const quiz = basisJson('quiz', '--layers', 'block3,block8', '--rounds', '6', '--size', '64', '--steps', '200', '--seed', '11');
  const { page, close } = await open(browser, quiz.link);
  assert.equal(await ready(page), 'CPU');
  await page.waitForSelector('#start-quiz:not([disabled])', { timeout: 600_000 });
  const readyAtStart = Number((await page.textContent('#rounds-ready')).match(/^(\d+) of 6/)[1]);
  assert.equal(readyAtStart, 1, `Start comes with round 1 alone, before the other rounds (${readyAtStart} of 6 ready)`);
  await page.click('#start-quiz');
  await page.check('input[name=confidence][value="2"]');
  await page.waitForSelector('#answer-left:not([disabled])');
  assert.ok(await colours(page, '#left-image') > 50, 'round 1 is drawn');
  await page.click('#answer-left');
  await page.waitForSelector('#quiz-round[data-round="1"]');
  const later = Number((await page.textContent('#rounds-ready')).match(/^(\d+) of 6/)[1]);
  assert.ok(later < 6, `round 1 answered while ${6 - later} rounds are still being made`);
  // Round 2 comes when it is ready, and not before.
  await page.check('input[name=confidence][value="2"]');
  await page.waitForSelector('#answer-left:not([disabled])', { timeout: 600_000 });
  assert.ok(await colours(page, '#left-image') > 50, 'round 2 is drawn');
  await close();
});
