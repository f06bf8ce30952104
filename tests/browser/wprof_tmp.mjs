import { execFileSync } from 'node:child_process';
import { serveDist, launch, ready, waitForStep } from './harness.mjs';
const server = await serveDist({ dist: process.env.DIST });
const browser = await launch({ webgpu: process.env.WEBGPU === '1' });
const size = Number(process.env.SIZE ?? 64), steps = Number(process.env.STEPS ?? 62);
const link = execFileSync(process.env.BASIS, ['link', '--layer', 'block8', '--channel', '10', '--size', String(size), '--steps', String(steps)]).toString().trim();
const context = await browser.newContext();
const page = await context.newPage();
const bcdp = await browser.newBrowserCDPSession();
await page.goto(`${server.origin}/${link}`);
await ready(page);
await waitForStep(page, 2);
const { targetInfos } = await bcdp.send('Target.getTargets');
const worker = targetInfos.find((t) => t.type === 'worker');
const { sessionId } = await bcdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
let id = 0; const pending = new Map();
bcdp.on('Target.receivedMessageFromTarget', (e) => { const m = JSON.parse(e.message); if (pending.has(m.id)) { pending.get(m.id)(m.result ?? m.error); pending.delete(m.id); } });
const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); bcdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) }); });
await send('Profiler.enable'); await send('Profiler.setSamplingInterval', { interval: 250 }); await send('Profiler.start');
await waitForStep(page, steps);
const { profile } = await send('Profiler.stop');
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = {}, incl = {}; let all = 0;
const name = (n) => `${n.callFrame.functionName || '(anon)'}`;
for (const s of profile.samples) {
  all++; const n = byId.get(s); self[name(n)] = (self[name(n)] ?? 0) + 1;
  const seen = new Set(); let cur = s; while (cur !== undefined) { const k = name(byId.get(cur)); if (!seen.has(k)) { incl[k] = (incl[k] ?? 0) + 1; seen.add(k); } cur = parent.get(cur); }
}
console.log('samples', all);
console.log('--- self'); for (const [k, c] of Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((100 * c / all).toFixed(1), k.slice(0, 150));
console.log('--- inclusive'); for (const [k, c] of Object.entries(incl).sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log((100 * c / all).toFixed(1), k.slice(0, 150));
await browser.close(); await server.close();
