import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

const TICK_MS = 5;

/**
 * The longest stretch this thread's event loop spent on a CPU, from the kernel's per-thread schedstat (time on a
 * CPU and time waiting for one, in ns). The event-loop delay alone counts the time other processes held the CPU:
 * on a loaded 2-core machine a 20 ms task shows as a 100 ms block. Runs only while measuring (a 5 ms timer would cost every user's extension host otherwise).
 */
export class ThreadCpuBlocks {
  private timer: NodeJS.Timeout | undefined;
  private last: { wallNs: bigint; runNs: number; waitNs: number } | undefined;
  private maxCpuNs = 0;
  private maxGcMs = 0;
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.maxGcMs = Math.max(this.maxGcMs, e.duration);
  });
  /** The longest gap between ticks, split into on-CPU, run-queue wait and the rest (asleep: sync I/O, locks). */
  private longest = { wallNs: 0, runNs: 0, waitNs: 0 };

  start(): void {
    this.stop();
    this.maxCpuNs = 0;
    this.maxGcMs = 0;
    this.gc.observe({ entryTypes: ['gc'] });
    this.longest = { wallNs: 0, runNs: 0, waitNs: 0 };
    this.last = undefined;
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.gc.disconnect();
  }

  /**
   * `cpuMaxMs`: the most CPU time the thread used between two ticks (its own work, whatever the load);
   * `longestGap`: the longest wall-clock gap, split into on-CPU, waiting for a CPU and the rest (asleep).
   */
  stats(): { cpuMaxMs: number; gcMaxMs: number; longestGap: { ms: number; cpuMs: number; waitMs: number; asleepMs: number } } {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    const g = this.longest;
    return {
      cpuMaxMs: ms(this.maxCpuNs),
      gcMaxMs: Math.round(this.maxGcMs * 100) / 100,
      longestGap: { ms: ms(g.wallNs), cpuMs: ms(g.runNs), waitMs: ms(g.waitNs), asleepMs: ms(Math.max(0, g.wallNs - g.runNs - g.waitNs)) },
    };
  }

  private tick(): void {
    const now = read();
    if (!now) return;
    const sample = { wallNs: process.hrtime.bigint(), ...now };
    if (this.last) {
      const gap = { wallNs: Number(sample.wallNs - this.last.wallNs), runNs: sample.runNs - this.last.runNs, waitNs: sample.waitNs - this.last.waitNs };
      this.maxCpuNs = Math.max(this.maxCpuNs, gap.runNs);
      if (gap.wallNs > this.longest.wallNs) this.longest = gap;
    }
    this.last = sample;
  }
}

function read(): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runNs: run!, waitNs: wait! } : undefined;
  } catch {
    return undefined;
  }
}
