import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { mainThreadLints } from '../core/lint';
import { mainThreadParses } from '../core/mainThreadParses';
import { mainThreadAnalyses } from '../core/xml/schema/analyze';
import { lintWorkerStats } from '../core/xml/schema/client';
import { registerGuarded } from './guardedCommand';
import type { Log } from './log';
import { ThreadCpuBlocks } from './threadCpu';
import { Commands } from './commands';

/** Not contributed in package.json: for the editor-block E2E (issue #12), which reads it after typing. */
export const EVENT_LOOP_STATS_COMMAND = Commands.internal.eventLoopStats;

/**
 * How long the extension host's event loop was blocked (perf_hooks histogram; and in CPU time, see ThreadCpuBlocks), and proof that no lint nor whole-document
 * parse ran on it: the command returns and logs the stats; `{ reset: true }` starts a new measurement.
 * With `KVMNET_PROFILE_DIR` set in the environment (a test that wants to see where the thread went), a reset also
 * starts a CPU profile of the extension host and the next read writes it there as `N.cpuprofile`.
 */
export function registerEventLoopStats(log: Log): vscode.Disposable {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const profiler = CpuProfiler.fromEnv(log);
  const cpu = new ThreadCpuBlocks();
  const command = registerGuarded(log, EVENT_LOOP_STATS_COMMAND, 'Event-loop stats', (args?: { reset?: boolean }) => {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    const stats = {
      maxMs: ms(delay.max),
      p99Ms: ms(delay.percentile(99)),
      // What the extension host itself spent on a CPU in its longest stretch, whatever the machine's load.
      ...cpu.stats(),
      samples: delay.count,
      mainThreadLints: mainThreadLints.count,
      mainThreadAnalyses: mainThreadAnalyses.count,
      mainThreadParses: { ...mainThreadParses },
      worker: lintWorkerStats(),
    };
    log.info(`event-loop stats ${JSON.stringify(stats)}`);
    profiler?.stop();
    if (args?.reset) {
      delay.reset();
      cpu.start();
      profiler?.start();
    }
  });
  return vscode.Disposable.from(command, { dispose: () => delay.disable() }, { dispose: () => cpu.stop() }, { dispose: () => profiler?.dispose() });
}

/** V8's sampling profiler on this thread, through the inspector protocol (no debugger attached, no port). */
class CpuProfiler {
  private readonly session = new Session();
  private running = false;
  private written = 0;

  private constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {
    this.session.connect();
    this.session.post('Profiler.enable');
  }

  static fromEnv(log: Log): CpuProfiler | undefined {
    const dir = process.env.KVMNET_PROFILE_DIR;
    return dir ? new CpuProfiler(dir, log) : undefined;
  }

  start(): void {
    this.session.post('Profiler.setSamplingInterval', { interval: 200 });
    this.session.post('Profiler.start');
    this.running = true;
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    const file = `${this.dir}/${++this.written}.cpuprofile`;
    this.session.post('Profiler.stop', (err, result) => {
      if (err) this.log.error(`CPU profile: ${err.message}`);
      else writeFileSync(file, JSON.stringify(result.profile));
    });
  }

  dispose(): void {
    this.session.disconnect();
  }
}
