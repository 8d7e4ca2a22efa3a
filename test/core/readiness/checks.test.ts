import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runReadinessChecks } from '../../../src/core/readiness/checks';
import { CheckId, summarizeByMode, type CheckStatus, type ReadinessCheck } from '../../../src/core/readiness/model';
import type { HostSnapshot, SystemFacts } from '../../../src/core/hostSnapshot';
import { BLIND, READY_INTEL, snap } from './fixtures';

function get(s: HostSnapshot, id: CheckId): ReadinessCheck {
  const c = runReadinessChecks(s).find((x) => x.id === id);
  assert.ok(c, `check ${id} exists`);
  return c;
}

function withSystem(patch: Partial<SystemFacts>, rest: Partial<HostSnapshot> = {}): HostSnapshot {
  return { ...READY_INTEL, ...rest, system: { ...READY_INTEL.system, ...patch } };
}

function expectStatus(s: HostSnapshot, id: CheckId, status: CheckStatus, detail?: RegExp): ReadinessCheck {
  const c = get(s, id);
  assert.equal(c.status, status, `${id}: ${c.detail}`);
  if (detail) assert.match(c.detail, detail);
  if (status === 'pass') assert.deepEqual(c.fixes, [], `${id}: a passing check offers no fix`);
  return c;
}

test('a ready Intel host passes every check', () => {
  for (const c of runReadinessChecks(READY_INTEL)) assert.equal(c.status, 'pass', `${c.id}: ${c.detail}`);
  assert.deepEqual(Object.values(summarizeByMode(runReadinessChecks(READY_INTEL))), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
});

test('a host where nothing could be read reports unknown, never pass or fail', () => {
  for (const c of runReadinessChecks(BLIND)) assert.equal(c.status, 'unknown', `${c.id}: ${c.detail}`);
});

test('every check has an id, a title, a detail and copyable commands in its fixes', () => {
  const ids = new Set<string>();
  for (const s of [READY_INTEL, BLIND, snap({ devNodes: {}, cpuFlags: [], kernelLog: ['kvm: disabled by bios'], iommuClasses: [], iommuGroupCount: 0, kernelCmdline: 'ro', modules: [], builtinModules: [], allowUnsafeInterrupts: false })]) {
    for (const c of runReadinessChecks(s)) {
      assert.ok(c.title && c.detail, c.id);
      ids.add(c.id);
      for (const f of c.fixes) assert.ok(f.title && f.command.trim().length > 0, `${c.id}: ${f.title}`);
    }
  }
  assert.deepEqual([...ids].sort(), Object.values(CheckId).sort());
});

describe('cpu-virt', () => {
  test('svm passes as AMD-V', () => void expectStatus(withSystem({ cpuFlags: ['svm'] }), CheckId.CpuVirt, 'pass', /AMD-V/));
  test('no flag and no /dev/kvm fails, naming nested virtualization inside a VM', () => {
    const c = expectStatus(withSystem({ cpuFlags: ['hypervisor'], devNodes: { '/dev/kvm': false } }), CheckId.CpuVirt, 'fail', /nested/);
    assert.ok(c.fixes.length > 0);
  });
  test('no flag but /dev/kvm present (paravirtual KVM) warns instead of failing', () =>
    void expectStatus(withSystem({ cpuFlags: ['hypervisor'] }), CheckId.CpuVirt, 'warn', /\/dev\/kvm exists/));
});

describe('kvm-device', () => {
  test('missing /dev/kvm fails with the vendor modprobe', () => {
    const c = expectStatus(withSystem({ devNodes: { '/dev/kvm': false } }), CheckId.KvmDevice, 'fail', /TCG/);
    assert.equal(c.fixes[0]?.command, 'sudo modprobe kvm_intel');
  });
  test('missing /dev/kvm with "disabled by bios" points at the firmware', () => {
    const c = expectStatus(withSystem({ devNodes: { '/dev/kvm': false }, kernelLog: ['[ 3.1] kvm: disabled by bios'] }), CheckId.KvmDevice, 'fail', /BIOS/);
    assert.match(c.fixes[0]!.title, /firmware/);
  });
  test('devNodes without the key is unknown', () => void expectStatus(withSystem({ devNodes: {} }), CheckId.KvmDevice, 'unknown'));
});

describe('kvm-bios', () => {
  test('"kvm: disabled by bios" fails', () => void expectStatus(withSystem({ kernelLog: ['[    2.5] kvm: disabled by bios'] }), CheckId.KvmBios, 'fail', /disabled by bios/));
  test('the 6.x wording fails too', () =>
    void expectStatus(withSystem({ kernelLog: ['kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL'] }), CheckId.KvmBios, 'fail'));
  test('an unreadable log is unknown', () => void expectStatus(withSystem({ kernelLog: undefined }), CheckId.KvmBios, 'unknown', /dmesg/));
});

describe('iommu-active', () => {
  test('empty /sys/class/iommu and no groups fails with the boot-loader line', () => {
    const c = expectStatus(withSystem({ iommuClasses: [], iommuGroupCount: 0 }), CheckId.IommuActive, 'fail', /No IOMMU/);
    assert.ok(c.fixes.some((f) => f.line === 'GRUB_CMDLINE_LINUX="… intel_iommu=on iommu=pt"'));
  });
  test('AMD gets amd_iommu in its fix', () => {
    const c = expectStatus(withSystem({ cpuFlags: ['svm'], iommuClasses: [], iommuGroupCount: 0 }), CheckId.IommuActive, 'fail');
    assert.ok(c.fixes.some((f) => f.command.includes('amd_iommu=on iommu=pt')));
  });
  test('groups from the snapshot alone count', () =>
    void expectStatus(snap({}, { iommuGroups: [{ id: 0, devices: [] }] }), CheckId.IommuActive, 'pass'));
});

describe('iommu-cmdline', () => {
  test('intel_iommu=off fails', () => void expectStatus(withSystem({ kernelCmdline: 'ro intel_iommu=off' }), CheckId.IommuCmdline, 'fail', /intel_iommu=off/));
  test('absent but IOMMU active (default on) passes', () => void expectStatus(withSystem({ kernelCmdline: 'ro quiet' }), CheckId.IommuCmdline, 'pass', /default/));
  test('absent and no IOMMU fails', () =>
    void expectStatus(withSystem({ kernelCmdline: 'ro quiet', iommuClasses: [], iommuGroupCount: 0 }), CheckId.IommuCmdline, 'fail'));
  test('absent and IOMMU unknown warns', () =>
    void expectStatus(withSystem({ kernelCmdline: 'ro', iommuClasses: undefined, iommuGroupCount: undefined }), CheckId.IommuCmdline, 'warn'));
  test('parameters after -- belong to init, not the kernel', () =>
    void expectStatus(withSystem({ kernelCmdline: 'ro -- intel_iommu=off', iommuClasses: [], iommuGroupCount: 0 }), CheckId.IommuCmdline, 'fail', /not set/));
  test('AMD passes without a parameter and says whether iommu=pt is set', () =>
    void expectStatus(withSystem({ cpuFlags: ['svm'], kernelCmdline: 'ro' }), CheckId.IommuCmdline, 'pass', /iommu=pt is not set/));
  test('unreadable cmdline is unknown', () => void expectStatus(withSystem({ kernelCmdline: undefined }), CheckId.IommuCmdline, 'unknown'));
});

describe('interrupt-remapping', () => {
  test('AMD-Vi message passes', () => void expectStatus(withSystem({ kernelLog: ['AMD-Vi: Interrupt remapping enabled'] }), CheckId.InterruptRemapping, 'pass'));
  test('the kernel disabling it (erratum) fails with allow_unsafe_interrupts fixes', () => {
    const c = expectStatus(
      withSystem({ kernelLog: ['DMAR-IR: This system BIOS has enabled interrupt remapping on a chipset that contains an erratum making that feature unstable. To maintain system stability interrupt remapping is being disabled.'] }),
      CheckId.InterruptRemapping,
      'fail',
    );
    assert.ok(c.fixes.some((f) => f.line === 'options vfio_iommu_type1 allow_unsafe_interrupts=1' && f.file === '/etc/modprobe.d/vfio.conf'));
  });
  test('intremap=off on the command line fails', () => void expectStatus(withSystem({ kernelCmdline: 'intel_iommu=on intremap=off' }), CheckId.InterruptRemapping, 'fail', /intremap=off/));
  test('missing but allowed unsafe interrupts warns', () =>
    void expectStatus(withSystem({ kernelLog: ['vfio_iommu_type1_attach_group: No interrupt remapping support.'], allowUnsafeInterrupts: true }), CheckId.InterruptRemapping, 'warn'));
  test('a log without any remapping message is unknown', () => void expectStatus(withSystem({ kernelLog: ['DMAR: IOMMU enabled'] }), CheckId.InterruptRemapping, 'unknown', /rotated/));
  test('an inactive IOMMU alone says nothing about remapping (intel_iommu=off keeps IRQ remapping on)', () =>
    void expectStatus(withSystem({ kernelLog: undefined, iommuClasses: [], iommuGroupCount: 0 }), CheckId.InterruptRemapping, 'unknown'));
});

describe('vfio-modules', () => {
  test('built-in (modules.builtin paths with dashes) counts as present', () =>
    void expectStatus(
      withSystem({ modules: [], builtinModules: ['kernel/drivers/vfio/vfio.ko', 'kernel/drivers/vfio/pci/vfio-pci.ko', 'kernel/drivers/vfio/vfio_iommu_type1.ko'] }),
      CheckId.VfioModules,
      'pass',
      /built in/,
    ));
  test('not loaded warns with the modprobe', () => {
    const c = expectStatus(withSystem({ modules: ['vfio'], builtinModules: [] }), CheckId.VfioModules, 'warn', /vfio_pci: neither loaded nor built in/);
    assert.match(c.fixes[0]!.command, /modprobe -a vfio vfio_iommu_type1 vfio_pci/);
  });
  test('not loaded with modules.builtin unreadable says "not loaded", not "absent"', () =>
    void expectStatus(withSystem({ modules: ['kvm'], builtinModules: undefined }), CheckId.VfioModules, 'warn', /vfio: not loaded/));
  test('no module lists is unknown', () => void expectStatus(withSystem({ modules: undefined, builtinModules: undefined }), CheckId.VfioModules, 'unknown'));
});

describe('vfio-unsafe-interrupts', () => {
  test('not set while remapping is missing fails', () =>
    void expectStatus(withSystem({ kernelLog: ['No interrupt remapping support'], allowUnsafeInterrupts: false }), CheckId.VfioUnsafeInterrupts, 'fail'));
  test('set without remapping passes', () =>
    void expectStatus(withSystem({ kernelLog: ['No interrupt remapping support'], allowUnsafeInterrupts: true }), CheckId.VfioUnsafeInterrupts, 'pass'));
  test('set although remapping works warns', () => void expectStatus(withSystem({ allowUnsafeInterrupts: true }), CheckId.VfioUnsafeInterrupts, 'warn'));
  test('not set with remapping unknown warns', () => void expectStatus(withSystem({ kernelLog: [] }), CheckId.VfioUnsafeInterrupts, 'warn'));
  test('unreadable parameter is unknown', () => void expectStatus(withSystem({ allowUnsafeInterrupts: undefined }), CheckId.VfioUnsafeInterrupts, 'unknown'));
});

describe('device nodes', () => {
  const none = withSystem({ devNodes: { '/dev/kvm': true, '/dev/vhost-net': false, '/dev/net/tun': false } });
  test('missing /dev/vhost-net fails with modprobe vhost_net', () => {
    const c = expectStatus(none, CheckId.VhostNet, 'fail', /vhost=on/);
    assert.match(c.fixes[0]!.command, /modprobe vhost_net/);
  });
  test('missing /dev/net/tun fails with modprobe tun and mknod', () => {
    const c = expectStatus(none, CheckId.Tun, 'fail');
    assert.ok(c.fixes.some((f) => f.command.includes('mknod -m 0666 /dev/net/tun c 10 200')));
  });
  test('unknown without devNodes', () => {
    expectStatus(BLIND, CheckId.VhostNet, 'unknown');
    expectStatus(BLIND, CheckId.Tun, 'unknown');
  });
});

describe('bridges', () => {
  test('no bridge warns', () => void expectStatus(withSystem({}, { interfaces: [{ name: 'eth0' }] }), CheckId.Bridges, 'warn', /No Linux bridge/));
  test('a bridge without ports warns; ports found through master', () => {
    expectStatus(withSystem({}, { interfaces: [{ name: 'virbr0', isBridge: true }, { name: 'eth0' }] }), CheckId.Bridges, 'warn', /virbr0 \(no ports\)/);
    expectStatus(withSystem({}, { interfaces: [{ name: 'br1', isBridge: true }, { name: 'eth1', master: 'br1' }] }), CheckId.Bridges, 'pass', /br1 \(ports: eth1\)/);
  });
  test('fix commands never embed host-supplied names', () => {
    const c = get(withSystem({}, { interfaces: [{ name: 'x;rm -rf /', isBridge: true }] }), CheckId.Bridges);
    for (const f of c.fixes) assert.doesNotMatch(f.command, /rm -rf/);
  });
});

describe('macvtap', () => {
  test('an existing macvtap interface passes', () =>
    void expectStatus(withSystem({ modules: [], builtinModules: undefined }, { interfaces: [{ name: 'macvtap0', kind: 'macvtap' }] }), CheckId.Macvtap, 'pass'));
  test('absent warns with RTNETLINK hint', () => void expectStatus(withSystem({ modules: [], builtinModules: [] }), CheckId.Macvtap, 'warn', /RTNETLINK/));
  test('unknown module lists', () => void expectStatus(withSystem({ modules: undefined, builtinModules: undefined }), CheckId.Macvtap, 'unknown'));
});

describe('qemu and libvirt', () => {
  test('old QEMU warns', () => void expectStatus(withSystem({ qemuVersion: 'QEMU emulator version 1.7.0' }), CheckId.Qemu, 'warn', /2\.12/));
  test('garbage version warns', () => void expectStatus(withSystem({ qemuVersion: 'nope' }), CheckId.Qemu, 'warn'));
  test('no version is unknown', () => {
    expectStatus(withSystem({ qemuVersion: undefined }), CheckId.Qemu, 'unknown');
    expectStatus(withSystem({ libvirtVersion: undefined }), CheckId.Libvirt, 'unknown');
  });
  test('libvirt is needed by no mode', () => assert.deepEqual(get(READY_INTEL, CheckId.Libvirt).modes, []));
});

describe('sriov-devices', () => {
  test('no PF warns', () =>
    void expectStatus(withSystem({}, { devices: [{ bdf: '0000:00:02.0', classCode: '020000', vendorId: '1af4', deviceId: '1000' }] as never }), CheckId.SriovDevices, 'warn'));
});

test('per-mode summary: a host without vhost-net fails only the vhost-net mode', () => {
  const s = withSystem({ devNodes: { '/dev/kvm': true, '/dev/vhost-net': false, '/dev/net/tun': true } });
  const sum = summarizeByMode(runReadinessChecks(s));
  assert.equal(sum['vhost-net'], 'fail');
  assert.equal(sum.bridge, 'pass');
  assert.equal(sum.user, 'pass');
});

describe('usability and daemon sockets', () => {
  test('/dev/kvm present but not usable warns with the kvm group fix', () => {
    const c = expectStatus(withSystem({ devNodesUsable: { '/dev/kvm': false } }), CheckId.KvmDevice, 'warn', /Permission denied/);
    assert.match(c.fixes[0]!.command, /usermod -aG kvm/);
  });
  test('libvirt socket without virsh passes', () =>
    void expectStatus(withSystem({ libvirtVersion: undefined, libvirtSocket: true }), CheckId.Libvirt, 'pass', /socket/));
});
