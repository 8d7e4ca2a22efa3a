import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEMO_DISCOVERY, demoSnapshot } from '../../../src/core/host/demo';
import { parseDiscovery } from '../../../src/core/host/parse';
import { parsePciIds } from '../../../src/core/pci/ids';

const MINI = ['KVMNET-DISCOVERY 1', 'D\t0000:01:00.0\tclass\t0x020000', 'D\t0000:01:00.0\tvendor\t0x8086', 'D\t0000:01:00.0\tdevice\t0x10fb'];

test('the demo host parses without warnings into PFs, VFs, groups and interfaces', () => {
  const s = demoSnapshot();
  assert.deepEqual(s.warnings, []);
  assert.equal(s.formatVersion, 1);
  const pf = s.devices.find((d) => d.bdf === '0000:3b:00.0')!;
  assert.equal(pf.sriovTotalVfs, 64);
  assert.equal(pf.sriovNumVfs, 4);
  assert.deepEqual(pf.virtfns, ['0000:3b:02.0', '0000:3b:02.1', '0000:3b:02.2', '0000:3b:02.3']);
  assert.equal(pf.deviceName, 'Ethernet Controller X710 for 10GbE SFP+');
  const vf = s.devices.find((d) => d.bdf === '0000:3b:02.2')!;
  assert.equal(vf.physfn, '0000:3b:00.0');
  assert.equal(vf.driver, 'vfio-pci');
  assert.equal(vf.driverOverride, 'vfio-pci');
  const gpu = s.iommuGroups.find((g) => g.devices.includes('0000:65:00.0' as never))!;
  assert.deepEqual(gpu.devices, ['0000:65:00.0', '0000:65:00.1']);
  assert.equal(s.interfaces.find((i) => i.name === 'enp59s0f0')?.carriesDefaultRoute, true);
  assert.equal(s.interfaces.find((i) => i.name === 'eno1')?.carriesSshSession, true);
  assert.equal(s.interfaces.find((i) => i.name === 'enp59s0f1')?.master, 'br0');
  assert.deepEqual(s.interfaces.find((i) => i.name === 'br0')?.bridgePorts, ['enp59s0f1']);
  assert.equal(s.system.iommuGroupCount, s.iommuGroups.length);
  assert.equal(s.system.devNodes?.['/dev/vfio/vfio'], true);
  assert.ok(s.system.modules?.includes('vfio_pci'));
  assert.equal(s.system.allowUnsafeInterrupts, false);
  assert.match(s.system.kernelCmdline ?? '', /intel_iommu=on/);
  assert.ok(s.system.cpuFlags?.includes('vmx'));
});

test('netdevs found only through an interface device link are attached to their PCI function (virtio)', () => {
  const s = parseDiscovery([...MINI, 'N\teth0\tname\teth0', 'N\teth0\tdevice-path\t/sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/virtio2', 'END'].join('\n'));
  assert.deepEqual(s.devices[0]!.netdevs, ['eth0']);
});

test('bad lines become warnings with their line numbers and lose nothing else', () => {
  const text = [
    ...MINI,
    'D\t0000:01:00.0\tsriov_numvfs\tlots',
    'D\t00:zz.0\tclass\t0x020000',
    'D\t0000:01:00.0\tdriver\tfoo;rm -rf /',
    'Q\tunknown',
    'N\tbad name\taddress\t00:11:22:33:44:55',
    'S\tdefault-route\t$(reboot)',
    'D\t0000:01:00.0\tnet\tenp1s0',
    'END',
  ].join('\n');
  const s = parseDiscovery(text);
  assert.equal(s.devices.length, 1);
  assert.deepEqual(s.devices[0]!.netdevs, ['enp1s0']);
  assert.equal(s.devices[0]!.driver, undefined);
  assert.equal(s.warnings.length, 6);
  for (const [i, line] of [5, 6, 7, 8, 9, 10].entries()) assert.match(s.warnings[i]!, new RegExp(`^line ${line}: `));
});

test('libvirt facts: virsh version and the daemon socket, present (1), looked-for and absent (0), or malformed', () => {
  const parse = (...lines: string[]) => parseDiscovery([...MINI, ...lines, 'END'].join('\n'));
  const on = parse('S\tlibvirt\t9.0.0', 'S\tlibvirt-socket\t1');
  assert.deepEqual([on.system.libvirtVersion, on.system.libvirtSocket, on.warnings], ['9.0.0', true, []]);
  const off = parse('S\tlibvirt\t9.0.0', 'S\tlibvirt-socket\t0');
  assert.equal(off.system.libvirtSocket, false);
  assert.equal(parse().system.libvirtSocket, undefined, 'not looked for (fixture tree)');
  const bad = parse('S\tlibvirt-socket\tyes');
  assert.equal(bad.system.libvirtSocket, undefined);
  assert.match(bad.warnings.join(), /bad libvirt-socket flag 'yes'/);
});

test('output cut short (no END) is a partial snapshot, never a complete one; a foreign header is flagged', () => {
  const cut = parseDiscovery(MINI.join('\n') + '\n');
  assert.match(cut.partial!, /ended before its END line/);
  assert.equal(cut.system.defaultRouteInterfaces, undefined, '"no default route" is not known from a cut answer');
  assert.equal(parseDiscovery([...MINI, 'END'].join('\n')).partial, undefined);
  assert.deepEqual(parseDiscovery([...MINI, 'END'].join('\n')).system.defaultRouteInterfaces, []);
  assert.match(parseDiscovery('SSH-2.0-OpenSSH\n').warnings[0]!, /^line 1: not discovery output/);
  assert.ok(parseDiscovery('SSH-2.0-OpenSSH\n').partial);
  assert.match(parseDiscovery('').warnings[0]!, /empty/);
  assert.ok(parseDiscovery('').partial);
});

test('a last line cut mid-value is never read as a fact', () => {
  const s = parseDiscovery([...MINI, 'D\t0000:01:00.0\tsriov_totalvfs\t6'].join('\n'));
  assert.equal(s.devices[0]!.sriovTotalVfs, undefined);
  assert.match(s.warnings.join(), /unterminated last line/);
  assert.ok(s.partial);
  assert.equal(parseDiscovery([...MINI, 'END'].join('\n')).partial, undefined, 'END without its newline still ends the output');
});

test('a device without ids is left out with a warning', () => {
  const s = parseDiscovery(['KVMNET-DISCOVERY 1', 'D\t0000:02:00.0\tdriver\tigb', 'END'].join('\n'));
  assert.equal(s.devices.length, 0);
  assert.match(s.warnings[0]!, /^line 2: 0000:02:00.0: no class\/vendor\/device id/);
});

test('names: lspci first (only when its ids agree), then pci.ids, else none', () => {
  const ids = parsePciIds('8086  Intel Corporation\n\t10fb  82599ES 10-Gigabit SFI/SFP+ Network Connection\nC 02  Network controller\n\t00  Ethernet controller\n');
  const lspci = 'L\t0000:01:00.0 "Ethernet controller [0200]" "Intel Corporation [8086]" "82599 from lspci [10fb]" -r01 -p00 "Intel [8086]" "X [0001]"';
  assert.equal(parseDiscovery([...MINI, lspci, 'END'].join('\n'), { pciIds: ids }).devices[0]!.deviceName, '82599 from lspci');
  const wrong = lspci.replace('[10fb]', '[1234]');
  assert.equal(parseDiscovery([...MINI, wrong, 'END'].join('\n'), { pciIds: ids }).devices[0]!.deviceName, '82599ES 10-Gigabit SFI/SFP+ Network Connection');
  const d = parseDiscovery([...MINI, 'END'].join('\n')).devices[0]!;
  assert.equal(d.deviceName, undefined);
  assert.equal(d.className, 'Network controller');
});

test('fuzz: arbitrary text never throws and every warning names a line', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      const s = parseDiscovery(text);
      for (const w of s.warnings) assert.match(w, /^(line \d+: |output ended|… \d+ more)/);
    }),
    { numRuns: 500 },
  );
});

test('fuzz: mutated demo output never throws, and devices keep valid BDFs and ids', () => {
  const lines = DEMO_DISCOVERY.split('\n');
  const junk = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('\t', '\t\t\t', 'D\t', 'N\t\t', 'G\tx\ty', 'S\tdevnode\trw /dev/../x', 'END', '\u0000', '\r'));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(lines.length), junk, fc.boolean()), { maxLength: 20 }), (edits) => {
      const l = [...lines];
      for (const [at, text, replace] of edits) l.splice(at, replace ? 1 : 0, text);
      const s = parseDiscovery(l.join('\n'));
      for (const d of s.devices) {
        assert.match(d.bdf, /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/);
        assert.match(`${d.vendorId}${d.deviceId}`, /^[0-9a-f]{8}$/);
        assert.match(d.classCode, /^[0-9a-f]{6}$/);
      }
    }),
    { numRuns: 300 },
  );
});

test('captured lab VM output (busybox, no lspci, IOMMU on, 2 VFs, one on vfio-pci) parses cleanly', () => {
  const text = readFileSync(path.join(import.meta.dirname, 'fixtures/labvm-discovery.txt'), 'utf8');
  const s = parseDiscovery(text);
  assert.deepEqual(s.warnings, []);
  const pf = s.devices.find((d) => d.bdf === '0000:00:01.0')!;
  assert.deepEqual([pf.sriovTotalVfs, pf.sriovNumVfs, pf.virtfns], [4, 2, ['0000:00:01.1', '0000:00:01.2']]);
  assert.equal(s.devices.find((d) => d.bdf === '0000:00:01.2')?.driver, 'vfio-pci');
  assert.equal(s.devices.find((d) => d.bdf === '0000:00:02.0')?.netdevs?.[0], 'eth0');
  assert.equal(s.iommuGroups.find((g) => g.id === 3)?.devices.length, 3);
  assert.equal(s.system.devNodes?.['/dev/vfio/vfio'], true);
});
