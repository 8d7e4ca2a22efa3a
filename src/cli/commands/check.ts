import type { HostSnapshot } from '../../core/hostSnapshot';
import { runReadinessChecks } from '../../core/readiness/checks';
import { NET_MODE_LABELS, NET_MODES, summarizeByMode, type CheckStatus, type NetMode, type ReadinessCheck } from '../../core/readiness/model';
import { terminalSafeField, terminalSafeJson } from '../../core/text';
import { ExitCode, flag, HOST_HELP, hostOptions, stringOption, UsageError, type CommandSpec, type Io, type ParsedArgs } from '../command';
import { withHostSnapshot, type SnapshotUse } from '../hostDiscovery';

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', unknown: '????' };

export interface CheckReport {
  readonly host: string;
  readonly hostname?: string;
  readonly capturedAt?: string;
  readonly checks: readonly ReadinessCheck[];
  readonly modes: Record<NetMode, CheckStatus>;
  readonly summary: Record<CheckStatus, number>;
  /** Why discovery did not finish, when it did not: the checks then saw only part of the host. */
  readonly partial?: string;
}

export function checkReport(snapshot: HostSnapshot, host: string, mode?: NetMode): CheckReport {
  const all = runReadinessChecks(snapshot);
  const checks = mode ? all.filter((c) => c.modes.includes(mode)) : all;
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    host,
    ...(snapshot.system.hostname !== undefined ? { hostname: snapshot.system.hostname } : {}),
    ...(snapshot.capturedAt !== undefined ? { capturedAt: snapshot.capturedAt } : {}),
    checks,
    modes: summarizeByMode(all),
    summary,
    ...(snapshot.partial !== undefined ? { partial: snapshot.partial } : {}),
  };
}

export function renderCheckReport(r: CheckReport): string {
  const width = Math.max(...r.checks.map((c) => c.id.length));
  const out = [`Host readiness: ${r.host}${r.hostname ? ` (${r.hostname})` : ''}`, ''];
  for (const c of r.checks) {
    out.push(`${LABEL[c.status]}  ${c.id.padEnd(width)}  ${c.title}${c.modes.length ? `  [${c.modes.map((m) => NET_MODE_LABELS[m]).join(', ')}]` : ''}`);
    if (c.status !== 'pass') out.push(`      ${c.detail}`);
    for (const f of c.fixes) {
      out.push(`      fix: ${f.title}${f.needsReboot ? ' (reboot needed)' : ''}`);
      if (f.file && f.line) out.push(`        ${f.file}: ${f.line}`);
      out.push(`        $ ${f.command}`);
    }
  }
  out.push('', `Modes: ${NET_MODES.map((m) => `${NET_MODE_LABELS[m]} ${r.modes[m]}`).join(' · ')}`);
  out.push(`Summary: ${r.summary.pass} pass, ${r.summary.warn} warn, ${r.summary.fail} fail, ${r.summary.unknown} unknown`);
  // Hostname and details quote the host (kernel log lines, version strings): each stays one line, with no terminal controls.
  return `${out.map(terminalSafeField).join('\n')}\n`;
}

export const checkCommand: CommandSpec = {
  name: 'check',
  summary: 'host readiness: KVM, IOMMU, vfio, vhost-net, tun, bridges',
  usage: 'kvmnet check [--host H] [--ssh-option KEY=VAL]… [--mode MODE] [--timeout SECONDS] [--json]',
  help: `Check what a host needs for each networking mode, from the facts device discovery
collects in one round trip (a read-only sh script run locally or through
'ssh HOST sh -s'; ssh runs with BatchMode=yes). Nothing is changed on the host.

Checks: CPU vmx/svm; /dev/kvm present and usable; "kvm: disabled by bios" in the
kernel log; IOMMU active (/sys/class/iommu, IOMMU groups) and the kernel command
line (intel_iommu=on, amd_iommu, iommu=pt); interrupt remapping; vfio, vfio_pci,
vfio_iommu_type1 and allow_unsafe_interrupts; SR-IOV capable devices;
/dev/vhost-net; /dev/net/tun; bridges and their ports; macvtap; the QEMU version;
libvirt.

Each check is PASS, WARN, FAIL or ???? (unknown: the fact could not be read, for
example the kernel log without root), names the networking modes that need it,
and prints a copyable fix command (the GRUB_CMDLINE_LINUX line, the modprobe, the
/etc/modprobe.d/vfio.conf line …). Fixes are printed, never run.

Options:
${HOST_HELP}
  --mode MODE           only the checks MODE needs: ${NET_MODES.join(', ')}
  --timeout SECONDS     ssh connect timeout (default 10)

JSON (--json): {host, hostname, capturedAt, checks: [{id, title, status, modes,
detail, fixes: [{title, command, file?, line?, needsReboot?}]}], modes: {MODE:
status}, summary: {pass, warn, fail, unknown}, partial?}.

A discovery that did not finish (the connection or the host cut it short) is
partial: the checks are still printed, the reason goes to stderr and JSON
carries it as "partial".

Exit status: 0 no check failed, 1 at least one check failed, 2 usage error, the
host could not be reached or the discovery was partial (whatever the checks say).

Examples:
  kvmnet check
  kvmnet check --host demo --mode vfio
  kvmnet check --host ssh://root@192.0.2.21:22 --ssh-option ConnectTimeout=5 --json`,
  options: { ...hostOptions, mode: { type: 'string' }, timeout: { type: 'string' } },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const rawMode = stringOption(args, 'mode');
    if (rawMode !== undefined && !(NET_MODES as readonly string[]).includes(rawMode)) {
      throw new UsageError(`--mode must be one of ${NET_MODES.join(', ')}; got '${rawMode}'`);
    }
    return withHostSnapshot('check', args, io, showCheck(args, io, rawMode as NetMode | undefined));
  },
};

/** What `check` prints from a snapshot (text report or JSON); exit 1 when a check failed. */
export function showCheck(args: ParsedArgs, io: Io, mode?: NetMode): SnapshotUse {
  return (snapshot, label) => {
    const report = checkReport(snapshot, label, mode);
    io.out(flag(args, 'json') ? `${terminalSafeJson(report)}\n` : renderCheckReport(report));
    return report.summary.fail > 0 ? ExitCode.Findings : ExitCode.Ok;
  };
}
