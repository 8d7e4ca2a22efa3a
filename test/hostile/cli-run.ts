import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The built `kvmnet` (dist/cli.js, build with `node scripts/build.mjs`) run as a user runs it, in its own
 * process, with its peak memory measured (a preload writes process.resourceUsage().maxRSS at exit).
 */
const bin = path.join(import.meta.dirname, '../../dist/cli.js');

/** Terminal controls that must never reach stdout or stderr: C0 but tab/newline, DEL, C1, bidi overrides. */
export const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  /** Peak resident memory of the CLI process in MB. */
  readonly peakMb: number;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `kvmnet-${prefix}-`));
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  assert.ok(existsSync(bin), `${bin} is missing: run node scripts/build.mjs`);
  const dir = tempDir('rss');
  try {
    const preload = path.join(dir, 'rss.cjs');
    const rssFile = path.join(dir, 'rss');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
    // The timeout only stops a hung CLI (a FIFO read forever) so the assertions report it; nothing times it.
    const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], {
      cwd: options.cwd ?? dir,
      env: options.env ?? process.env,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.signal, null, `kvmnet ${args.join(' ')} was killed (${r.signal}): it hung`);
    const peakKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
    return { code: r.status, out: r.stdout, err: r.stderr, peakMb: peakKb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An `ssh` on PATH that prints a canned discovery output (and stderr) and exits with a given status: the CLI
 * has no ssh path flag, so `--host ssh://…` reaches this one. Returns the env to run the CLI with.
 */
export function fakeSsh(dir: string, discovery: string, options: { stderr?: string; exit?: number } = {}): NodeJS.ProcessEnv {
  const binDir = path.join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const stdoutFile = path.join(dir, 'discovery.out');
  const stderrFile = path.join(dir, 'discovery.err');
  writeFileSync(stdoutFile, discovery);
  writeFileSync(stderrFile, options.stderr ?? '');
  const ssh = path.join(binDir, 'ssh');
  writeFileSync(ssh, `#!/bin/sh\ncat >/dev/null\ncat '${stdoutFile}'\ncat '${stderrFile}' >&2\nexit ${options.exit ?? 0}\n`);
  chmodSync(ssh, 0o755);
  return { ...process.env, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
}

export const FAKE_HOST = 'ssh://tester@192.0.2.1:22';
