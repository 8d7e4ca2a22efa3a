// Issue #12: pathological QEMU launch scripts cost linear lint work (n vs 4n CPU time, growth.ts, printed; asserted
// as a ratio, never as a wall-clock time). 4,000 vs 8,000 NIC options in one command once took 6.8 s vs 49.6 s: the
// guest-NIC backend lookups and the implicit-MAC clash check scanned every option per NIC.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../src/core/lint';
import { scriptOutline } from '../../src/core/qemu/outline';
import { SCRIPT_SHAPES } from './script-shapes';
import { growth, LINEAR_BOUND } from './growth';

const ratio = (shape: string, n: number): Promise<number> => growth(shape, SCRIPT_SHAPES[shape]!, n, (text) => lintText('/vm/launch.sh', text));

test('16,000 NIC options in one command cost about 4× 4,000 (8,000 was 7× 4,000: 6.8 s vs 49.6 s)', async () => {
  assert.ok((await ratio('many NIC options in one command', 4000)) < LINEAR_BOUND);
});

test('the other pathological launch-script shapes cost linear work too', async () => {
  const sizes: Record<string, number> = {
    'many QEMU commands': 2000,
    'one very long line': 2000,
    'comments in continuations': 2000,
    'chained option variables': 1000,
  };
  for (const [shape, n] of Object.entries(sizes)) assert.ok((await ratio(shape, n)) < LINEAR_BOUND, shape);
});

test('the code-lens outline of 16,000 NIC options costs about 4× 4,000', async () => {
  assert.ok((await growth('outline', SCRIPT_SHAPES['many NIC options in one command']!, 4000, scriptOutline)) < LINEAR_BOUND);
});
