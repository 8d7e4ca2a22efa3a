import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { mainThreadLints } from '../core/lint';
import { mainThreadParses } from '../core/mainThreadParses';
import { mainThreadAnalyses } from '../core/xml/schema/analyze';
import { lintWorkerStats } from '../core/xml/schema/client';
import type { Log } from './log';

/** Not contributed in package.json: for the editor-block E2E (issue #12), which reads it after typing. */
export const EVENT_LOOP_STATS_COMMAND = 'kvmnet.internal.eventLoopStats';

/**
 * How long the extension host's event loop was blocked (perf_hooks histogram), and proof that no lint nor whole-document
 * parse ran on it: the command returns and logs the stats; `{ reset: true }` starts a new measurement.
 */
export function registerEventLoopStats(log: Log): vscode.Disposable {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const command = vscode.commands.registerCommand(EVENT_LOOP_STATS_COMMAND, (args?: { reset?: boolean }) => {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    const stats = {
      maxMs: ms(delay.max),
      p99Ms: ms(delay.percentile(99)),
      samples: delay.count,
      mainThreadLints: mainThreadLints.count,
      mainThreadAnalyses: mainThreadAnalyses.count,
      mainThreadParses: { ...mainThreadParses },
      worker: lintWorkerStats(),
    };
    log.info(`event-loop stats ${JSON.stringify(stats)}`);
    if (args?.reset) delay.reset();
    return stats;
  });
  return vscode.Disposable.from(command, { dispose: () => delay.disable() });
}
