/**
 * How work grows with input size, for the pathological-input stress tests (issue #12): the CPU time of n vs 4n,
 * printed and compared as a ratio, never as a wall-clock time. A 4× step separates linear work (ratio 4) from
 * quadratic work (16) by far more than the noise of a shared machine (GC in the middle of one round, a sibling
 * test file on the other core), which made 2× steps (2 vs 4) flaky. CPU time: preemption inflates wall time only.
 */
export const GROWTH = 4;
/** Halfway between linear (4) and quadratic (16) on a log scale. */
export const LINEAR_BOUND = 8;

async function cpuMs(work: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Cost of GROWTH·n vs n: the fastest of alternated rounds of each (noise only ever adds time), printed. */
export async function growth(label: string, make: (n: number) => string, n: number, run: (text: string) => unknown, rounds = 3): Promise<number> {
  const [small, large] = [make(n), make(GROWTH * n)];
  await cpuMs(() => run(small)); // code warm, schemas compiled
  let one = Infinity;
  let big = Infinity;
  for (let i = 0; i < rounds; i++) {
    one = Math.min(one, await cpuMs(() => run(small)));
    big = Math.min(big, await cpuMs(() => run(large)));
  }
  const r = big / one;
  console.log(`# ${label}: n=${n} ${one.toFixed(0)} ms CPU, ${GROWTH}n ${big.toFixed(0)} ms CPU, ratio ${r.toFixed(2)} (linear is ${GROWTH}, quadratic ${GROWTH ** 2})`);
  return r;
}
