import type { ActionPlan, HostStep } from '../pci/actions';
import type { DiscoveryOptions } from './discover';
import { sshArgs } from './ssh';
import type { HostSpec } from './hostSpec';

/**
 * Runs a confirmed ActionPlan step by step (stopping at the first failure), locally as
 * argument arrays or through ssh. ssh hands the remote side one command line, so each
 * argument is single-quoted there; the arguments are the plan's own (validated BDFs,
 * numbers, fixed paths and programs), and values reach the sysfs writer as positional
 * parameters of a constant program.
 */
export interface StepResult {
  readonly step: HostStep;
  readonly ok: boolean;
  readonly output: string;
}

export interface PlanResult {
  readonly ok: boolean;
  readonly results: readonly StepResult[];
  /** A one-line reason when a step failed (sudo refusal is named as such). */
  readonly error?: string;
}

/** POSIX single quoting: the remote shell sees exactly this one word. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function runPlan(spec: HostSpec, plan: ActionPlan, options: DiscoveryOptions = {}): Promise<PlanResult> {
  if (spec.kind === 'demo') return { ok: false, results: [], error: 'the demo host is a snapshot: nothing can be changed on it' };
  const { execa } = await import('execa');
  const results: StepResult[] = [];
  const timeout = ((options.connectTimeoutSeconds ?? 10) + (options.runTimeoutSeconds ?? 60)) * 1000;
  for (const step of plan.steps) {
    const [file, args] =
      spec.kind === 'local' ? [step.argv[0]!, step.argv.slice(1)] : [options.sshPath ?? 'ssh', sshArgs(spec, options, step.argv.map(shellQuote))];
    const r = await execa(file, args, {
      reject: false,
      timeout,
      all: true,
      stdin: 'ignore',
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
    const output = String(r.all ?? '').trim();
    results.push({ step, ok: !r.failed, output });
    if (r.failed) {
      const sudoRefused = step.argv[0] === 'sudo' && /password is required|a terminal is required|not allowed|may not run sudo/i.test(output);
      const why = sudoRefused
        ? `sudo refused to run without a password (sudo -n): allow these commands in sudoers or run as root. ${output}`
        : r.isCanceled
          ? 'cancelled'
          : r.timedOut
            ? `timed out after ${timeout / 1000} s`
            : output || r.shortMessage;
      return { ok: false, results, error: `${step.display}: ${why}` };
    }
  }
  return { ok: true, results };
}
