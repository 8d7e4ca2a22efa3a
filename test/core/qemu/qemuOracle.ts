// The real QEMU as an argument oracle: parse the arguments, create the backends, quit over QMP.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { shellQuote } from '../../../src/core/util/shellQuote';

export const QEMU = 'qemu-system-x86_64';

/** Fails loudly (never skips) when the oracle is missing. */
export function requireQemu(): void {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${QEMU} is required for the QEMU oracle tests: apt-get install qemu-system-x86`);
}

const QMP_QUIT = `printf '{"execute":"qmp_capabilities"}\\n{"execute":"quit"}\\n'`;

/** The shell line that runs the parse check on already-quoted argument text. */
export function parseCheckLine(argText: string): string {
  return `${QMP_QUIT} | ${QEMU} -M pc -accel tcg -S -display none -nodefaults -qmp stdio ${argText} >/dev/null`;
}

export interface OracleResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * macvtap character devices are /dev/tap<ifindex>, one global name space for all network namespaces: test files
 * running at once could create two macvtaps with the same ifindex. Runs that may create one hold this lock and
 * delete their macvtaps before releasing it.
 */
const LOCK = '/tmp/kvmnet-qemu-oracle.lock';
/**
 * Runs argv (inside `netns`) under the lock, then deletes the namespace's macvtaps; exits with argv's status.
 * argv is killed inside the lock after INNER_TIMEOUT_S: a QEMU that waits (a chardev server waiting for its
 * client) would otherwise outlive the caller's timeout, which kills only flock, and hold the lock for every
 * other oracle on the machine.
 */
const INNER_TIMEOUT_S = 25;
function lockedInNetns(netns: string, argv: readonly string[]): string[] {
  const cleanup = `for l in $(ip -n "$0" -o link show type macvtap | cut -d: -f2 | cut -d@ -f1); do ip -n "$0" link del dev "$l"; done`;
  const timedOut = `[ $rc -ne 124 ] || echo "kvmnet oracle: killed after ${INNER_TIMEOUT_S} s" >&2`;
  return ['flock', LOCK, 'sh', '-c', `ip netns exec "$0" timeout -k 2 ${INNER_TIMEOUT_S} "$@"; rc=$?; ${timedOut}; ${cleanup}; exit $rc`, netns, ...argv];
}

/** Runs shell lines with bash (inside network namespace `netns` when given), returning QEMU's verdict. */
export function runShell(lines: readonly string[], netns?: string): OracleResult {
  const script = ['set -e', ...lines].join('\n');
  const argv = netns ? lockedInNetns(netns, ['bash', '-c', script]) : ['bash', '-c', script];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, status: r.status, stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export function qemuAccepts(args: readonly string[], redirects: readonly string[] = [], prelude: readonly string[] = [], netns?: string): OracleResult {
  return runShell([...prelude, parseCheckLine([...args.map(shellQuote), ...redirects].join(' '))], netns);
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

/** A throwaway network namespace with bridge br0 and a veth pair veth0/veth1 (for macvtap); delete() removes it. */
export function createNetns(tag: string): { name: string; delete(): void } {
  const name = `kvmnet-${tag}-${process.pid}`;
  ip('netns', 'add', name);
  const inNs = (...a: string[]): void => ip('-n', name, ...a);
  inNs('link', 'set', 'lo', 'up');
  // A multicast route, as a host with a default route has: -netdev socket,mcast= joins its group through it.
  inNs('link', 'set', 'lo', 'multicast', 'on');
  inNs('route', 'add', '224.0.0.0/4', 'dev', 'lo');
  inNs('link', 'add', 'br0', 'type', 'bridge');
  inNs('link', 'set', 'br0', 'up');
  inNs('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  inNs('link', 'set', 'veth0', 'up');
  inNs('link', 'set', 'veth1', 'up');
  return { name, delete: () => spawnSync('ip', ['netns', 'delete', name]) };
}

/**
 * For a describe() block of QEMU parse checks: requires QEMU, makes a network namespace and a scratch directory
 * before its tests and removes both after. Read `ns` inside tests (it exists from `before` on).
 */
export function useQemuSandbox(tag: string): { readonly ns: { name: string }; readonly work: string } {
  const work = mkdtempSync(path.join(tmpdir(), `kvmnet-${tag}-`));
  let netns: ReturnType<typeof createNetns> | undefined;
  before(() => {
    requireQemu();
    netns = createNetns(tag);
  });
  after(() => {
    netns?.delete();
    rmSync(work, { recursive: true, force: true });
  });
  return {
    work,
    get ns() {
      assert.ok(netns, 'the sandbox namespace exists only inside its describe() tests');
      return netns;
    },
  };
}

/**
 * Runs a whole launch script with bash, where qemu-system-x86_64 / qemu-kvm / kvm on PATH are a wrapper that
 * does the parse check with the script's arguments. Runs inside `netns` (so any port a rule binds stays there).
 */
export function runScriptChecked(scriptText: string, netns: string, workDir: string): OracleResult {
  const bin = path.join(workDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const real = spawnSync('sh', ['-c', `command -v ${QEMU}`], { encoding: 'utf8' }).stdout.trim();
  const wrapper = `#!/bin/sh\n${QMP_QUIT} | exec ${real} -M pc -accel tcg -S -display none -nodefaults -qmp stdio "$@" >/dev/null\n`;
  for (const name of [QEMU, 'qemu-kvm', 'kvm']) {
    writeFileSync(path.join(bin, name), wrapper);
    chmodSync(path.join(bin, name), 0o755);
  }
  const file = path.join(workDir, 'launch.sh');
  writeFileSync(file, scriptText);
  const [cmd, ...rest] = lockedInNetns(netns, ['env', `PATH=${bin}:${process.env.PATH}`, 'bash', file]);
  const r = spawnSync(cmd!, rest, {
    encoding: 'utf8',
    timeout: 30_000,
    cwd: workDir,
  });
  return { ok: r.status === 0, status: r.status, stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
