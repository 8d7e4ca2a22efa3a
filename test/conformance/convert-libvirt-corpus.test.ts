/**
 * libvirt XML → QEMU arguments against libvirt's own expectations: every xml2argv pair of the corpus
 * (../shared/corpus/libvirt/domain/{v4.5.0,current}, read in place) is converted and its network devices and
 * PCI hostdevs compared with the `.args` libvirt's qemuxml2argvtest expects: backend, model, MAC, forwards and
 * host address. Agreement per pair is printed; a pair of the baseline that stops agreeing fails the test.
 * Every produced argument set also passes QEMU's parse check.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { untranslated } from '../../src/core/convert/model';
import { commandLineWords, netFacts, type NetFacts } from '../../src/core/convert/netFacts';
import { domainToArgs } from '../../src/core/convert/xmlToArgs';
import { qemuAcceptsNetArgs } from '../core/convert/oracles';
import { useQemuSandbox } from '../core/qemu/qemuOracle';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/libvirt/domain');

/** Pairs that agree today (network devices and hostdevs equal to libvirt's). */
const BASELINE = new Set<string>([
  'v4.5.0/aarch64-video-virtio-gpu-pci',
  'v4.5.0/aarch64-virt-2.6-virtio-pci-default',
  'v4.5.0/aarch64-virtio-pci-default',
  'v4.5.0/aarch64-virtio-pci-manual-addresses',
  'v4.5.0/boot-complex-bootindex',
  'v4.5.0/boot-complex',
  'v4.5.0/boot-order',
  'v4.5.0/boot-strict',
  'v4.5.0/controller-order',
  'v4.5.0/disk-copy_on_read',
  'v4.5.0/disk-hostdev-scsi-virtio-iscsi-auth-AES',
  'v4.5.0/disk-ioeventfd',
  'v4.5.0/event_idx',
  'v4.5.0/graphics-spice-timeout',
  'v4.5.0/hostdev-pci-address-device',
  'v4.5.0/hostdev-pci-address',
  'v4.5.0/hostdev-scsi-boot',
  'v4.5.0/hostdev-scsi-lsi-iscsi-auth',
  'v4.5.0/hostdev-scsi-lsi-iscsi',
  'v4.5.0/hostdev-scsi-lsi',
  'v4.5.0/hostdev-scsi-readonly',
  'v4.5.0/hostdev-scsi-vhost-scsi-ccw',
  'v4.5.0/hostdev-scsi-vhost-scsi-pci',
  'v4.5.0/hostdev-scsi-vhost-scsi-pcie',
  'v4.5.0/hostdev-scsi-virtio-iscsi-auth',
  'v4.5.0/hostdev-scsi-virtio-iscsi',
  'v4.5.0/hostdev-scsi-virtio-scsi',
  'v4.5.0/hostdev-subsys-mdev-vfio-ccw',
  'v4.5.0/hostdev-usb-address-device-boot',
  'v4.5.0/hostdev-usb-address-device',
  'v4.5.0/hostdev-usb-address',
  'v4.5.0/hostdev-vfio-multidomain',
  'v4.5.0/hostdev-vfio',
  'v4.5.0/intel-iommu-caching-mode',
  'v4.5.0/name-escape',
  'v4.5.0/net-client',
  'v4.5.0/net-eth-hostip',
  'v4.5.0/net-eth-ifname',
  'v4.5.0/net-eth-names',
  'v4.5.0/net-eth',
  'v4.5.0/net-hostdev-multidomain',
  'v4.5.0/net-hostdev-vfio-multidomain',
  'v4.5.0/net-hostdev-vfio',
  'v4.5.0/net-hostdev',
  'v4.5.0/net-server',
  'v4.5.0/net-udp',
  'v4.5.0/net-user-addr',
  'v4.5.0/net-user',
  'v4.5.0/net-vhostuser-multiq',
  'v4.5.0/net-vhostuser',
  'v4.5.0/net-virtio-device',
  'v4.5.0/net-virtio-disable-offloads',
  'v4.5.0/net-virtio-netdev',
  'v4.5.0/net-virtio-rxtxqueuesize',
  'v4.5.0/net-virtio',
  'v4.5.0/pci-bridge',
  'v4.5.0/pci-expander-bus',
  'v4.5.0/pci-rom-disabled-invalid',
  'v4.5.0/pci-rom-disabled',
  'v4.5.0/pci-rom',
  'v4.5.0/pcie-expander-bus',
  'v4.5.0/pseries-hostdevs-2',
  'v4.5.0/pseries-hostdevs-3',
  'v4.5.0/q35-pci-force-address',
  'v4.5.0/q35-pcie-autoadd',
  'v4.5.0/q35-pcie',
  'v4.5.0/q35-virt-manager-basic',
  'v4.5.0/q35-virtio-pci',
  'v4.5.0/usb1-usb2',
  'v4.5.0/user-aliases-usb',
  'v4.5.0/user-aliases',
  'v4.5.0/virtio-lun',
  'v4.5.0/virtio-options',
  'current/hostdev-pci-address',
  'current/net-eth-hostip',
  'current/net-eth-unmanaged-tap',
  'current/net-hostdev-vfio',
  'current/net-hostdev',
  'current/net-udp',
  'current/net-user-passt',
  'current/net-user',
  'current/net-vdpa-multiqueue',
  'current/net-vdpa',
  'current/net-vhostuser-multiq',
  'current/net-vhostuser',
  'current/net-virtio-teaming-hostdev',
]);

interface Pair {
  readonly name: string;
  readonly xml: string;
  readonly args: string;
}

function pairs(): Pair[] {
  assert.ok(existsSync(CORPUS), `the libvirt corpus is required: ${CORPUS}`);
  const out: Pair[] = [];
  for (const dir of ['v4.5.0', 'current']) {
    for (const f of readdirSync(path.join(CORPUS, dir)).filter((x) => x.endsWith('.xml')).sort()) {
      const base = f.slice(0, -4);
      const args = [`${base}.args`, `${base}.x86_64-latest.args`].map((a) => path.join(CORPUS, dir, a)).find(existsSync);
      if (args) out.push({ name: `${dir}/${base}`, xml: path.join(CORPUS, dir, f), args });
    }
  }
  return out;
}

/** Where ours and libvirt's differ, in words; undefined when they agree. */
export function difference(ours: NetFacts, theirs: NetFacts): string | undefined {
  if (ours.nics.length !== theirs.nics.length) return `${ours.nics.length} NIC(s) vs libvirt's ${theirs.nics.length}`;
  for (let i = 0; i < ours.nics.length; i++) {
    const a = ours.nics[i]!;
    const b = theirs.nics[i]!;
    for (const k of ['backend', 'model', 'mac'] as const) if (a[k] !== b[k]) return `NIC ${i}: ${k} ${a[k]} vs ${b[k]}`;
    if (a.forwards && b.forwards && a.forwards.join() !== b.forwards.join()) return `NIC ${i}: forwards ${a.forwards.join(' ')} vs ${b.forwards.join(' ')}`;
    if (a.endpoint !== undefined && b.endpoint !== undefined && a.endpoint !== b.endpoint) return `NIC ${i}: endpoint ${a.endpoint} vs ${b.endpoint}`;
  }
  if (ours.hostdevs.join() !== theirs.hostdevs.join()) return `hostdevs ${ours.hostdevs.join(' ')} vs ${theirs.hostdevs.join(' ')}`;
  return undefined;
}

describe('libvirt xml2argv pairs: our QEMU arguments vs libvirt\'s', () => {
  const box = useQemuSandbox('convcorp');
  test('agreement per pair; the baseline holds; QEMU parses every produced argument set', () => {
    const agreed: string[] = [];
    const lines: string[] = [];
    const rejected: string[] = [];
    const all = pairs();
    for (const p of all) {
      const conv = domainToArgs(readFileSync(p.xml, 'utf8'), { scriptPath: `/corpus/${p.name}.sh` });
      const ours = netFacts(conv.args);
      const theirs = netFacts(commandLineWords(readFileSync(p.args, 'utf8')));
      const diff = difference(ours, theirs);
      if (diff === undefined) agreed.push(p.name);
      lines.push(`${diff === undefined ? 'agree ' : 'differ'} ${p.name}${diff ? `: ${diff}` : ''}`);
      // Fewer NICs than libvirt's: the converter's reason, which must be a located "not translated" note.
      if (ours.nics.length < theirs.nics.length) for (const n of untranslated(conv.notes).filter((x) => /interface|NIC|socket|mcast|udp|vhost|vdpa|network/.test(x.message))) lines.push(`  (ours: ${n.message})`);
      const netArgs = conv.args.flatMap((a, i, all) => (a === '-netdev' || a === '-chardev' || (a === '-device' && /netdev=|^vfio-pci/.test(all[i + 1] ?? '')) ? [a, all[i + 1]!] : []));
      if (netArgs.length > 0) {
        const r = qemuAcceptsNetArgs(netArgs, conv.redirects, [], box.ns.name);
        // A domain whose NICs sit behind PCI bridges: the bridges are not translated (reported on the XML), and QEMU
        // runs out of root-bus slots. Listed, not failed; anything else QEMU rejects fails.
        const offRoot = conv.notes.some((n) => /off the root bus|not translated: <controller type='pci'/.test(n.message));
        if (!r.ok && offRoot && /no slot\/function available/.test(r.stderr)) lines.push(`  (QEMU: no root-bus slot left for ${p.name}: PCI bridges not translated)`);
        else if (!r.ok) rejected.push(`${p.name}: ${netArgs.join(' ')}\n  ${r.stderr.trim()}`);
      }
    }
    console.log(lines.join('\n'));
    console.log(`convert conformance: ${agreed.length}/${all.length} xml2argv pairs agree on network devices and hostdevs`);
    assert.deepEqual(rejected, [], 'QEMU rejected produced arguments');
    const lost = [...BASELINE].filter((n) => !agreed.includes(n));
    assert.deepEqual(lost, [], 'pairs of the baseline no longer agree');
  });
});
