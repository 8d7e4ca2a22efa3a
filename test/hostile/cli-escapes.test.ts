import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { FAKE_HOST, fakeSsh, runCli, tempDir, TERMINAL_CONTROL, type CliRun } from './cli-run';

// Every text a host or a file supplies may carry terminal escapes. None may reach the terminal from
// `devices`, `check` or `lint`, in text or JSON; the visible text around them is still shown.

/**
 * Colour (CSI), an OSC 8 hyperlink ended by BEL, a one-character C1 CSI (U+009B), backspaces, DEL, carriage
 * return, and bidi overrides/isolates that reorder the line.
 */
const EVIL = '\x1b[31mRED\x1b[0m\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\u009b2J\b\b\x7f\rX\u202eLTR\u202c\u2066iso\u2069';

/** lspci -mm fields are read up to a line break, and \r is one. */
const EVIL_NO_CR = EVIL.replace('\r', '');

/** Discovery output (see test/core/host/fixtures/labvm-discovery.txt) with EVIL in every field. */
const DISCOVERY = `KVMNET-DISCOVERY 1
S\thostname\tlab${EVIL}
S\tkernel\t6.1.0${EVIL}
S\tcmdline\tquiet ${EVIL}
S\tcpuflags\tvmx ${EVIL}
S\tmodules-readable\t1
S\tmodule\tvfio${EVIL}
S\tdevnode\t0 /dev/kvm
S\tdevnode\t0 /dev/vhost-net
S\tiommu-readable\t1
S\tiommu\tdmar0
S\tqemu\tQEMU emulator${EVIL}
S\tlibvirt\t9.0.0${EVIL}
S\tssh-connection\t${EVIL}
S\tssh-interface\teth${EVIL}
S\tdefault-route\teth0${EVIL}
S\tlog\t[    0.5] kvm: disabled by bios ${EVIL}
S\tlog\t[    0.6] DMAR-IR: Failed to enable irq remapping ${EVIL}
S\t${EVIL}\tunknown fact
L\t0000:00:02.0 "Ethernet controller${EVIL_NO_CR} [0200]" "Red Hat${EVIL_NO_CR} [1af4]" "Virtio network device${EVIL_NO_CR} [1000]" -r01 "Red Hat, Inc. [1af4]" "Device [0001]"
D\t0000:00:02.0\tclass\t0x020000
D\t0000:00:02.0\tvendor\t0x1af4
D\t0000:00:02.0\tdevice\t0x1000
D\t0000:00:02.0\tdriver\tvirtio-pci${EVIL}
D\t0000:00:02.0\tdriver_override\tvfio${EVIL}
D\t0000:00:02.0\tnet\teth${EVIL}
D\t0000:00:02.0\tiommu_group\t2
D\t0000:00:02.0\t${EVIL}\t1
D\t0000:00:0${EVIL}\tclass\t0x020000
G\t2\t0000:00:02.0
N\teth0\tname\teth0
N\teth0\tkind\t${EVIL}
N\teth0\tdevice-path\t/sys/devices/pci0000:00/0000:00:02.0/${EVIL}
N\teth${EVIL}\tname\teth${EVIL}
${EVIL}\tunknown record
END
`;

const work = tempDir('cli-escapes');
after(() => rmSync(work, { recursive: true, force: true }));
const hostile = fakeSsh(path.join(work, 'host'), DISCOVERY);

function assertNoControls(r: CliRun, what: string): void {
  assert.doesNotMatch(r.out, TERMINAL_CONTROL, `${what}: stdout carries a terminal control`);
  assert.doesNotMatch(r.err, TERMINAL_CONTROL, `${what}: stderr carries a terminal control`);
}

test('devices (text, --all): hostname and lspci names are shown without their controls', () => {
  for (const all of [[], ['--all']]) {
    const r = runCli(['devices', '--host', FAKE_HOST, ...all], { env: hostile });
    assert.equal(r.code, 0, r.err);
    assertNoControls(r, `devices ${all.join(' ')}`);
    assert.match(r.out, /\(lab\?\[31mRED/, 'hostname shown');
    assert.match(r.out, /^0000:00:02\.0 {2}Red Hat\?\[31mRED.*Virtio network device\?\[31mRED/m, 'lspci names shown');
    assert.match(r.err, /warning: line \d+: 0000:00:02\.0: bad driver/, 'rejected fields are warned about');
  }
});

test('devices --json: the data round-trips with the controls escaped', () => {
  const r = runCli(['devices', '--host', FAKE_HOST, '--json'], { env: hostile });
  assert.equal(r.code, 0, r.err);
  assertNoControls(r, 'devices --json');
  const s = JSON.parse(r.out);
  assert.equal(s.system.hostname, `lab${EVIL}`);
  assert.equal(s.devices[0].vendorName, `Red Hat${EVIL_NO_CR}`);
  assert.deepEqual(s.system.kernelLog, [`[    0.5] kvm: disabled by bios ${EVIL}`, `[    0.6] DMAR-IR: Failed to enable irq remapping ${EVIL}`]);
});

test('check (text and --json): kernel log lines and version strings quoted in details carry no controls', () => {
  const text = runCli(['check', '--host', FAKE_HOST], { env: hostile });
  assert.equal(text.code, 1, text.err);
  assertNoControls(text, 'check');
  assert.match(text.out, /^Host readiness: .*\(lab\?\[31mRED/m);
  assert.match(text.out, /The kernel log says: \[ {4}0\.5\] kvm: disabled by bios \?\[31mRED/);
  assert.match(text.out, /Failed to enable irq remapping \?\[31mRED/);
  assert.match(text.out, /Unrecognised QEMU version string: QEMU emulator\?\[31mRED/);
  const json = runCli(['check', '--host', FAKE_HOST, '--json'], { env: hostile });
  assert.equal(json.code, 1, json.err);
  assertNoControls(json, 'check --json');
  const report = JSON.parse(json.out) as { hostname: string; checks: { id: string; detail: string }[] };
  assert.equal(report.hostname, `lab${EVIL}`);
  assert.ok(report.checks.some((c) => c.detail.includes(`kvm: disabled by bios ${EVIL}`)));
});

test("a failed ssh's stderr quoted in the error carries no controls", () => {
  const env = fakeSsh(path.join(work, 'down'), '', { stderr: `ssh: connect to host: ${EVIL}\n`, exit: 255 });
  const r = runCli(['check', '--host', FAKE_HOST], { env });
  assert.equal(r.code, 2);
  assertNoControls(r, 'unreachable');
  assert.match(r.err, /^kvmnet check: ssh to 192\.0\.2\.1 failed \(exit 255\)/m);
});

test('lint: file text quoted in messages, and file names, reach neither text nor JSON output raw', () => {
  // XML forbids C0 controls but allows C1 (U+009B) and bidi overrides; a shell script allows everything.
  const xmlName = `vm\u202e.xml`;
  writeFileSync(
    path.join(work, xmlName),
    `<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices><interface type='bri\u009b2Jdge\u202e'/></devices></domain>\n`,
  );
  // Quoted, so the hyperlink's ';' stays inside the argument.
  writeFileSync(path.join(work, `launch\x1b[2J.sh`), `qemu-system-x86_64 -netdev user,id=n0 -device 'virtio-net-pci,netdev=x${EVIL}'\n`);
  const files = [xmlName, 'launch\x1b[2J.sh'];
  const text = runCli(['lint', ...files], { cwd: work });
  assert.equal(text.code, 1, text.err);
  assertNoControls(text, 'lint');
  assert.match(text.out, /^vm\?\.xml:1:\d+: error schema-invalid-value Invalid type='bri\?2Jdge\?'/m);
  assert.match(text.out, /^launch\?\[2J\.sh:1:\d+: error qemu-netdev-not-found .*\?\[31mRED/m);
  for (const line of text.out.trimEnd().split('\n')) assert.match(line, /^(vm\?\.xml|launch\?\[2J\.sh):\d+:\d+: /, 'one finding per line');
  const json = runCli(['lint', '--format', 'json', ...files], { cwd: work });
  assert.equal(json.code, 1, json.err);
  assertNoControls(json, 'lint --format json');
  const findings = JSON.parse(json.out) as { file: string; message: string }[];
  assert.ok(findings.some((f) => f.file === xmlName && f.message.includes('bri\u009b2Jdge\u202e')));
  assert.ok(findings.some((f) => f.message.includes(EVIL)));
});
