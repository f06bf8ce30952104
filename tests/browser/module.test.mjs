// The built wasm module itself. Its static constructors (cubecl's IR registers operations through
// `inventory`) must run once, from `main` (app/src/main.rs). Otherwise the linker treats it as a
// "command" module and makes every exported function call `__wasm_call_ctors` first, so every call
// from JavaScript into the module ran all the constructors again (a fifth of the engine's time at
// 64 px on the CPU, most of it on WebGPU). Wrapped exports are recognizable without symbol names:
// they all begin by calling one and the same function.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { DIST } from './harness.mjs';

/** For each exported function, the function its body calls first (if it begins with a call). */
function firstCalls(bytes) {
  let at = 8; // magic and version
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const skipName = () => {
    const length = leb();
    at += length;
  };
  const skipLimits = () => {
    const flags = bytes[at++];
    leb();
    if (flags & 1) leb();
  };
  let importedFunctions = 0;
  const exported = [];
  const first = new Map();
  while (at < bytes.length) {
    const section = bytes[at++];
    const end = leb() + at;
    if (section === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName();
        skipName();
        const kind = bytes[at++];
        if (kind === 0) {
          leb();
          importedFunctions++;
        } else if (kind === 1) {
          at++;
          skipLimits();
        } else if (kind === 2) {
          skipLimits();
        } else if (kind === 3) {
          at += 2;
        } else {
          at++;
          leb();
        }
      }
    } else if (section === 7) {
      for (let n = leb(); n > 0; n--) {
        skipName();
        const kind = bytes[at++];
        const index = leb();
        if (kind === 0) exported.push(index);
      }
    } else if (section === 10) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const bodyEnd = leb() + at;
        for (let groups = leb(); groups > 0; groups--) {
          leb();
          at++;
        }
        if (bytes[at] === 0x10) {
          at++;
          first.set(importedFunctions + i, leb());
        }
        at = bodyEnd;
      }
    }
    at = end;
  }
  return exported.map((index) => first.get(index));
}

test('the static constructors run once, not at the start of every export', async () => {
  const calls = firstCalls(await readFile(join(DIST, 'basis-app_bg.wasm')));
  assert.ok(calls.length > 10, `only ${calls.length} exported functions found: is this the app's module?`);
  const tally = new Map();
  for (const callee of calls.filter((c) => c !== undefined)) tally.set(callee, (tally.get(callee) ?? 0) + 1);
  const most = Math.max(0, ...tally.values());
  assert.ok(most <= 2, `${most} of ${calls.length} exported functions begin by calling the same function: the linker wrapped them in __wasm_call_ctors`);
});
