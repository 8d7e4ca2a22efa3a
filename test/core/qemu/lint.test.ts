// Each rule: a script that triggers it and one that must not. A finding that claims QEMU rejects (or fails on)
// the script is confirmed by running the script against the real QEMU; every quick-fix result must pass the
// QEMU parse check. Scripts run inside a network namespace created for this file (ports bound stay in it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QemuCode, type QemuCodeKey } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { applyEdits } from '../../../src/core/text';
import { runScriptChecked, useQemuSandbox } from './qemuOracle';

const Q = 'qemu-system-x86_64';

interface Case {
  readonly rule: QemuCodeKey;
  readonly bad: string;
  readonly good: string;
  /** The finding claims QEMU rejects/fails on the bad script: QEMU must do so with this message. */
  readonly qemuRejects?: RegExp;
  /** The fixed script must pass the parse check (vfio: fail only for the absent device). */
  readonly fixAccepted?: true | RegExp;
}

const cases: Case[] = [
  { rule: 'ShellSyntax', bad: `if [ -x /bin/true ]; then\n${Q} -nic user\n`, good: `if [ -x /bin/true ]; then\n${Q} -nic user\nfi\n` },
  {
    rule: 'CommentInContinuation',
    bad: `${Q} -m 256 \\\n  # networking\n  -nic user,model=virtio-net-pci\n`,
    good: `# networking\n${Q} -m 256 \\\n  -nic user,model=virtio-net-pci\n`,
    fixAccepted: true,
  },
  {
    rule: 'LegacyNet',
    bad: `${Q} -m 256 \\\n  -net nic,model=virtio,macaddr=52:54:00:aa:00:01 \\\n  -net user,hostfwd=tcp:127.0.0.1:0-:22\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp:127.0.0.1:0-:22 -device virtio-net-pci,netdev=n0\n`,
    fixAccepted: true,
  },
  {
    rule: 'PciAssign',
    bad: `${Q} -device pci-assign,host=00:15.0,prefer_msi=on\n`,
    good: `${Q} -device vfio-pci,host=0000:00:15.0\n`,
    qemuRejects: /'pci-assign' is not a valid device model name/,
    fixAccepted: /no such host device/,
  },
  {
    rule: 'Redir',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -redir tcp:0::22\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp::0-:22 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /-redir: invalid option/,
    fixAccepted: true,
  },
  { rule: 'Redir', bad: `${Q} -m 256 -redir udp:0::53\n`, good: `${Q} -nic user\n`, qemuRejects: /-redir: invalid option/, fixAccepted: true },
  {
    rule: 'HostfwdMalformed',
    bad: `${Q} -netdev user,id=n0,hostfwd=tcp:0-:22 -device virtio-net-pci,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp::0-:22 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /Bad host address/,
    fixAccepted: true,
  },
  {
    rule: 'HostfwdMalformed',
    bad: `${Q} -nic 'user,hostfwd=tcp:127.0.0.1:0:22'\n`,
    good: `${Q} -nic 'user,hostfwd=tcp:127.0.0.1:0-:22'\n`,
    qemuRejects: /Bad host port separator/,
    fixAccepted: true,
  },
  {
    rule: 'NetdevIdDuplicate',
    bad: `${Q} -netdev user,id=n0 -netdev user,id=n0 -device e1000,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0 -netdev user,id=n1 -device e1000,netdev=n0 -device e1000,netdev=n1\n`,
    qemuRejects: /Duplicate ID 'n0'/,
  },
  { rule: 'NetdevIdMissing', bad: `${Q} -netdev user\n`, good: `${Q} -netdev user,id=a -device e1000,netdev=a\n`, qemuRejects: /Parameter 'id' is missing/ },
  {
    rule: 'NetdevNotFound',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -device virtio-net-pci,netdev=nope\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /can't find value 'nope'/,
  },
  { rule: 'NetdevUnused', bad: `${Q} \\\n  -netdev user,id=n0\n`, good: `${Q} -netdev user,id=n0 -device e1000,netdev=n0\n`, fixAccepted: true },
  {
    rule: 'MacMalformed',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:5\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57\n`,
    qemuRejects: /doesn't take value '52:54:00:12:34:5'/,
    fixAccepted: true,
  },
  {
    rule: 'MacMulticast',
    bad: `${Q} -net nic,macaddr=01:00:5e:00:00:01 -net user\n`,
    good: `${Q} -net nic,macaddr=02:00:5e:00:00:01 -net user\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacDuplicate',
    bad: `${Q} -netdev user,id=a -device e1000,netdev=a,mac=52:54:00:00:00:01 -netdev user,id=b -device e1000,netdev=b,mac=52:54:00:00:00:01\n`,
    good: `${Q} -netdev user,id=a -device e1000,netdev=a,mac=52:54:00:00:00:01 -netdev user,id=b -device e1000,netdev=b,mac=52:54:00:00:00:02\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacQemuDefault',
    bad: `${Q} -nic user,model=virtio-net-pci,mac=52:54:00:12:34:56\n`,
    good: `${Q} -nic user,model=virtio-net-pci,mac=52:54:00:12:34:58\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacImplicit',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=t0\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -nic user -net nic -net user\n`,
    fixAccepted: true,
  },
  { rule: 'MacImplicit', bad: `${Q} -nic tap,ifname=tap1,script=no,downscript=no\n`, good: `${Q} -nic tap,ifname=tap1,script=no,downscript=no,mac=52:54:00:aa:00:01\n`, fixAccepted: true },
  {
    rule: 'MacImplicit',
    bad: `${Q} -net nic,model=virtio -net tap,ifname=tap2,script=no,downscript=no\n`,
    good: `${Q} -net nic,model=virtio,macaddr=52:54:00:aa:00:02 -net tap,ifname=tap2,script=no,downscript=no\n`,
    fixAccepted: true,
  },
  {
    // Not run: vhost=on aborts QEMU on machines without /dev/vhost-net (these test machines).
    rule: 'VhostNonVirtio',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no,vhost=on -device e1000,netdev=t0\n`,
    good: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no,vhost=on -device virtio-net-pci,netdev=t0\n`,
  },
  {
    rule: 'TapScriptMissing',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=/nonexistent/kvmnet-ifup,downscript=no -device virtio-net-pci,netdev=t0\n`,
    good: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=t0\n`,
    qemuRejects: /network script \/nonexistent\/kvmnet-ifup failed/,
  },
  {
    rule: 'FdNotOpen',
    bad: `${Q} -netdev tap,id=t0,fd=7 -device virtio-net-pci,netdev=t0\n`,
    good: `exec 7<>/dev/net/tun\n${Q} -netdev tap,id=t0,fd=7 -device virtio-net-pci,netdev=t0\n`,
    qemuRejects: /FD 7/,
  },
  {
    // bash ends the QEMU command at the CR-escaping backslash, so QEMU starts without the next lines' options and
    // the next line runs as a command of its own.
    rule: 'CrlfLineEndings',
    bad: `#!/bin/sh\r\n${Q} -netdev user,id=n0 \\\r\n  -device virtio-net-pci,netdev=n0\r\n`,
    good: `#!/bin/sh\n${Q} -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /-device: (command )?not found|\$'\\r'/,
    fixAccepted: true,
  },
  {
    rule: 'EmulatedNic',
    bad: `${Q} -netdev user,id=n0 -device rtl8139,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0\n`,
    fixAccepted: true,
  },
];

const codesOf = (text: string): string[] => lintLaunchScript(text, { fileName: '/vm/launch.sh' }).map((f) => f.code);

describe('each rule triggers on its bad script and not on its good one', () => {
  for (const c of cases) {
    test(`${c.rule}: ${c.bad.split('\n')[0]!.slice(Q.length + 1, Q.length + 60)}`, () => {
      assert.ok(codesOf(c.bad).includes(QemuCode[c.rule].id), `${QemuCode[c.rule].id} expected in ${JSON.stringify(codesOf(c.bad))}`);
      assert.ok(!codesOf(c.good).includes(QemuCode[c.rule].id), `${QemuCode[c.rule].id} must not fire on the good script`);
    });
  }
  test('every QemuCode has a triggering case', () => {
    const covered = new Set(cases.map((c) => c.rule));
    // Cross-file rules are covered in workspace.test.ts.
    const crossFile = new Set<string>(['MacDuplicateWorkspace']);
    assert.deepEqual(Object.keys(QemuCode).filter((k) => !covered.has(k as QemuCodeKey) && !crossFile.has(k)), []);
  });
  test('relative script= is resolved from the script folder through the injected file check', () => {
    const text = `${Q} -netdev tap,id=t0,script=./ifup -device virtio-net-pci,netdev=t0\n`;
    const seen: string[] = [];
    const run = (exists: boolean): string[] =>
      lintLaunchScript(text, { fileName: '/vm/launch.sh', fileExists: (p) => (seen.push(p), exists) }).map((f) => f.code);
    assert.ok(run(false).includes(QemuCode.TapScriptMissing.id));
    assert.ok(!run(true).includes(QemuCode.TapScriptMissing.id));
    assert.equal(seen[0], '/vm/ifup');
  });
  test('dynamic values are not judged', () => {
    const text = `${Q} -net nic,macaddr=$macaddr,model=virtio -net tap,script=$IFUP -device e1000,netdev=$ND\n`;
    const codes = codesOf(text);
    for (const rule of ['MacMalformed', 'TapScriptMissing', 'NetdevNotFound'] as const) assert.ok(!codes.includes(QemuCode[rule].id), rule);
  });
});

describe('QEMU confirms the rejections and accepts every quick fix', () => {
  const box = useQemuSandbox('lint');
  const work = box.work;
  for (const c of cases) {
    if (c.qemuRejects) {
      test(`QEMU rejects: ${c.rule} ${c.qemuRejects}`, () => {
        const r = runScriptChecked(c.bad, box.ns.name, work);
        assert.equal(r.ok, false, `QEMU accepted the ${c.rule} script`);
        assert.match(r.stderr, c.qemuRejects!);
        const good = runScriptChecked(c.good, box.ns.name, work);
        assert.ok(good.ok || /no such host device|TUNGETIFF/.test(good.stderr), `good script: ${good.stderr}`);
      });
    }
    if (c.fixAccepted) {
      test(`quick fix accepted by QEMU: ${c.rule} ${c.bad.split('\n')[0]!.slice(Q.length + 1, Q.length + 50)}`, () => {
        const finding = lintLaunchScript(c.bad, { fileName: '/vm/launch.sh' }).find((f) => f.code === QemuCode[c.rule].id)!;
        const fix = finding.fixes?.find((f) => f.isPreferred) ?? finding.fixes?.[0];
        assert.ok(fix, `${c.rule} offers a fix`);
        const fixed = applyEdits(c.bad, fix.edits);
        assert.ok(!lintLaunchScript(fixed).some((f) => f.code === QemuCode[c.rule].id && f.range.start.line === finding.range.start.line), `fix removes the finding:\n${fixed}`);
        const r = runScriptChecked(fixed, box.ns.name, work);
        if (c.fixAccepted === true) assert.ok(r.ok, `QEMU rejected the fixed script:\n${fixed}\n${r.stderr}`);
        else {
          assert.match(r.stderr, c.fixAccepted!);
          assert.doesNotMatch(r.stderr, /not a valid device|Property|Parameter|invalid/i);
        }
      });
    }
  }
});
