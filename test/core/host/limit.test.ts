import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limiter } from '../../../src/core/host/limit';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('50 hosts: never more than the bound at once, all settle, in order of asking', async () => {
  const limiter = new Limiter(8, 60_000);
  let peak = 0;
  const started: number[] = [];
  const gates = Array.from({ length: 50 }, () => deferred());
  const runs = gates.map((g, i) =>
    limiter.run(async () => {
      started.push(i);
      peak = Math.max(peak, limiter.running);
      await g.promise;
      return i;
    }),
  );
  assert.equal(started.length, 8);
  for (const g of gates) {
    g.resolve();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all(runs), gates.map((_, i) => i));
  assert.equal(peak, 8);
  assert.deepEqual(started, [...started].sort((a, b) => a - b));
});

test('dead hosts that never answer give their slots back: the live hosts behind them still finish', async () => {
  const limiter = new Limiter(2, 10);
  const dead = deferred<string>();
  const deadRuns = [limiter.run(() => dead.promise), limiter.run(() => dead.promise)];
  const live = await Promise.all(Array.from({ length: 5 }, (_, i) => limiter.run(async () => `live ${i}`)));
  assert.equal(live.length, 5);
  dead.resolve('late');
  assert.deepEqual(await Promise.all(deadRuns), ['late', 'late'], 'a stalled task still delivers its own result');
});

test('a task that throws or rejects frees its slot and rejects its caller', async () => {
  const limiter = new Limiter(1, 60_000);
  await assert.rejects(limiter.run(() => { throw new Error('sync'); }), /sync/);
  await assert.rejects(limiter.run(() => Promise.reject(new Error('async'))), /async/);
  assert.equal(await limiter.run(async () => 'next'), 'next');
  assert.equal(limiter.running, 0);
});
