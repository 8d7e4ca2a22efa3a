import { ActionRefused, buildPlan, deviceState, planDrift, type ActionPlan, type HostStep } from '../pci/actions';
import { discover, DiscoveryError, type DiscoveryOptions } from './discover';
import { hostLabel, type HostSpec } from './hostSpec';
import type { HostSnapshot } from '../hostSnapshot';
import { shellQuote } from '../util/shellQuote';
import { sshArgs, sshEnv } from './ssh';

/**
 * Runs a confirmed ActionPlan step by step (stopping at the first failure), locally as
 * argument arrays or through ssh. ssh hands the remote side one command line, so each
 * argument is single-quoted there; the arguments are the plan's own (validated BDFs,
 * numbers, fixed paths and programs), and values reach the sysfs writer as positional
 * parameters of a constant program. The confirmation shows exactly these invocations
 * (stepInvocation is the one builder of both).
 */
export interface StepResult {
  readonly step: HostStep;
  /** The invocation as a pasteable command line. */
  readonly commandLine: string;
  readonly ok: boolean;
  readonly output: string;
}

export interface PlanResult {
  readonly ok: boolean;
  readonly results: readonly StepResult[];
  /** A one-line reason when a step failed (sudo refusal is named as such). */
  readonly error?: string;
}

/** One process: the file and the exact argv it receives. */
export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * The process a step runs as: its own argv locally (the demo host shows what would run on the host itself),
 * or the ssh client with the step's words quoted for the remote shell.
 */
export function stepInvocation(spec: HostSpec, step: HostStep, options: DiscoveryOptions = {}): Invocation {
  return spec.kind === 'ssh'
    ? { file: options.sshPath ?? 'ssh', args: sshArgs(spec, options, step.argv.map(shellQuote)) }
    : { file: step.argv[0]!, args: step.argv.slice(1) };
}

/** An invocation as one shell-quoted line: pasted into a shell, the same process gets the same argv. */
export function commandLine(inv: Invocation): string {
  return [inv.file, ...inv.args].map(shellQuote).join(' ');
}

/** The modal confirmation: the host by name, then every step as the exact command line it runs as. */
export function renderConfirmation(spec: HostSpec, plan: ActionPlan, options: DiscoveryOptions = {}): { message: string; detail: string } {
  const host = hostLabel(spec);
  const how = spec.kind === 'ssh' ? `over ssh (${options.sshPath ?? 'ssh'}), ${plan.steps.length} command${plan.steps.length === 1 ? '' : 's'}, each one process, in order` : 'as these processes, in order';
  return {
    message: `${plan.title} on ${host}`,
    detail: [
      `Host: ${host}, ${how}:`,
      '',
      ...plan.steps.flatMap((s) => [
        commandLine(stepInvocation(spec, s, options)),
        ...(s.parameter ? ['', `${s.parameter.label}:`, ...s.parameter.text.split('\n').map((l) => `    ${l}`)] : []),
      ]),
      ...(plan.warnings.length ? ['', ...plan.warnings.map((w) => `⚠ ${w}`)] : []),
      '',
      'Right before running, the host is discovered again; if anything this plan depends on changed, nothing runs.',
    ].join('\n'),
  };
}

export async function runPlan(spec: HostSpec, plan: Pick<ActionPlan, 'steps'>, options: DiscoveryOptions = {}): Promise<PlanResult> {
  if (spec.kind === 'demo') return { ok: false, results: [], error: 'the demo host is a snapshot: nothing can be changed on it' };
  const { execa } = await import('execa');
  const results: StepResult[] = [];
  const timeout = ((options.connectTimeoutSeconds ?? 10) + (options.runTimeoutSeconds ?? 60)) * 1000;
  for (const step of plan.steps) {
    const inv = stepInvocation(spec, step, options);
    const r = await execa(inv.file, inv.args, {
      reject: false,
      timeout,
      all: true,
      stdin: 'ignore',
      env: sshEnv(spec, options),
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
    const output = String(r.all ?? '').trim();
    const line = commandLine(inv);
    results.push({ step, commandLine: line, ok: !r.failed, output });
    if (r.failed) {
      const sudoRefused = step.argv[0] === 'sudo' && /password is required|a terminal is required|not allowed|may not run sudo/i.test(output);
      const why = sudoRefused
        ? `sudo refused to run without a password (sudo -n): allow these commands in sudoers or run as root. ${output}`
        : r.isCanceled
          ? 'cancelled'
          : r.timedOut
            ? `timed out after ${timeout / 1000} s`
            : output || r.shortMessage;
      return { ok: false, results, error: `${line}: ${why}` };
    }
  }
  return { ok: true, results };
}

export interface ConfirmedRun extends PlanResult {
  /** Set when nothing ran: the rediscovery failed, the plan is refused now, or facts changed since the confirmation. */
  readonly refused?: string;
  /** After a failed step: the host discovered again (undefined when that discovery failed: see afterError). */
  readonly after?: HostSnapshot;
  readonly afterError?: string;
  /** After a failed step with earlier steps done: the plan undoing them, built from `after` (to be confirmed again). */
  readonly undo?: ActionPlan;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs a plan a person confirmed, failing closed: right before running, the host is discovered again and
 * the plan is built again from what it says; a refusal or any change in the facts the plan depends on stops
 * it before the first command. When a step fails after others ran, the host is discovered again and the
 * plan's undo is built from that (never run here: it goes through a confirmation of its own).
 */
export async function runConfirmedPlan(spec: HostSpec, confirmed: ActionPlan, options: DiscoveryOptions = {}): Promise<ConfirmedRun> {
  const refuse = (why: string): ConfirmedRun => ({ ok: false, results: [], refused: why, error: why });
  let fresh: ActionPlan;
  try {
    fresh = buildPlan(await discover(spec, options), confirmed.request);
  } catch (e) {
    if (e instanceof DiscoveryError) return refuse(`could not check the host again before running: ${e.message}`);
    if (e instanceof ActionRefused) return refuse(`refused after discovering the host again: ${e.message}`);
    throw e;
  }
  const drift = planDrift(confirmed, fresh);
  if (drift.length) return refuse(`the host changed since the confirmation: ${drift.join('; ')}`);
  const result = await runPlan(spec, confirmed, options);
  if (result.ok) return result;
  let after: HostSnapshot;
  try {
    after = await discover(spec, { ...options, signal: undefined });
  } catch (e) {
    return { ...result, afterError: message(e) };
  }
  const done = result.results.some((r) => r.ok);
  let undo: ActionPlan | undefined;
  if (done && confirmed.undo) {
    try {
      undo = buildPlan(after, confirmed.undo);
    } catch (e) {
      if (!(e instanceof ActionRefused)) throw e;
    }
  }
  return { ...result, after, ...(undo && undo.steps.length ? { undo } : {}) };
}

/** What a failed run did, for the person who confirmed it: completed steps, the failure, what did not run, the host now. */
export function renderFailure(confirmed: ActionPlan, run: ConfirmedRun, spec: HostSpec, options: DiscoveryOptions = {}): string {
  if (run.refused) return `Nothing was run. ${run.refused}`;
  const done = run.results.filter((r) => r.ok);
  const failed = run.results.find((r) => !r.ok);
  const notRun = confirmed.steps.slice(run.results.length);
  return [
    done.length ? `Completed (${done.length} of ${confirmed.steps.length}):` : 'No step completed.',
    ...done.map((r) => `  ${r.commandLine}`),
    ...(failed ? ['Failed:', `  ${failed.commandLine}`, `  ${failed.output || run.error || ''}`] : [`Failed: ${run.error ?? ''}`]),
    ...(notRun.length ? ['Not run:', ...notRun.map((s) => `  ${commandLine(stepInvocation(spec, s, options))}`)] : []),
    '',
    run.after ? `The host now (discovered again): ${'bdf' in confirmed.request && confirmed.request.bdf !== undefined ? deviceState(run.after, confirmed.request.bdf) : 'see the Guests view'}` : `The host could not be discovered again: ${run.afterError ?? ''}`,
    ...(run.undo ? ['', `To undo what completed: ${run.undo.title} (shown with its commands before it runs).`] : []),
  ].join('\n');
}
