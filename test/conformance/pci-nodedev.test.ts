import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { discover } from '../../src/core/host/discover';
import { parseBdf } from '../../src/core/pci/bdf';
import { CORPUS, corpusMissing } from './pci-corpus';

/**
 * libvirt builds its node-device XML from sysfs (vendor, device, class, numa_node,
 * iommu_group, sriov_totalvfs, physfn, virtfn*). Here each PCI nodedev XML of the corpus
 * is laid out as the sysfs tree libvirt read, the discovery script runs over it, and the
 * model must state the same facts as the XML.
 */
type Addr = { '@_domain': string; '@_bus': string; '@_slot': string; '@_function': string };
const hex = (v: string, w: number) => Number(v).toString(16).padStart(w, '0');
const bdfOf = (a: Addr) => `${hex(a['@_domain'], 4)}:${hex(a['@_bus'], 2)}:${hex(a['@_slot'], 2)}.${hex(a['@_function'], 1)}`;
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

interface Facts {
  bdf: string;
  vendor: string;
  product: string;
  cls?: string;
  numa?: number;
  group?: number;
  groupMembers: string[];
  physfn?: string;
  vfs: string[];
  maxVfs?: number;
}

/** Parsed XML is untyped: read it through these instead of casts. */
const get = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);
const str = (o: unknown, k: string): string => String(get(o, k));

function facts(xml: string): Facts | undefined {
  const doc: unknown = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml);
  const cap = list(get(get(doc, 'device'), 'capability')).find((c) => get(c, '@_type') === 'pci');
  if (!cap) return undefined;
  const sub = list(get(cap, 'capability'));
  const phys = sub.find((c) => get(c, '@_type') === 'phys_function');
  const virt = sub.find((c) => get(c, '@_type') === 'virt_functions');
  const group = get(cap, 'iommuGroup');
  const numa = get(cap, 'numa');
  const cls = get(cap, 'class');
  const bdf = `${hex(str(cap, 'domain'), 4)}:${hex(str(cap, 'bus'), 2)}:${hex(str(cap, 'slot'), 2)}.${hex(str(cap, 'function'), 1)}`;
  return {
    bdf,
    vendor: str(get(cap, 'vendor'), '@_id').slice(2),
    product: str(get(cap, 'product'), '@_id').slice(2),
    ...(cls !== undefined ? { cls: String(cls).slice(2) } : {}),
    ...(numa !== undefined ? { numa: Number(str(numa, '@_node')) } : {}),
    ...(group !== undefined ? { group: Number(str(group, '@_number')) } : {}),
    groupMembers: list(get(group, 'address') as Addr | Addr[] | undefined).map(bdfOf),
    ...(phys ? { physfn: bdfOf(get(phys, 'address') as Addr) } : {}),
    vfs: list(get(virt, 'address') as Addr | Addr[] | undefined).map(bdfOf),
    ...(get(virt, '@_maxCount') !== undefined ? { maxVfs: Number(str(virt, '@_maxCount')) } : {}),
  };
}

/** The sysfs files and links libvirt read to produce those facts. */
function layout(root: string, f: Facts): void {
  const dev = path.join(root, 'sys/devices/pci0000:00', f.bdf);
  mkdirSync(dev, { recursive: true });
  const w = (name: string, v: string) => writeFileSync(path.join(dev, name), `${v}\n`);
  w('vendor', `0x${f.vendor}`);
  w('device', `0x${f.product}`);
  w('class', `0x${f.cls ?? '000000'}`);
  w('numa_node', String(f.numa ?? -1));
  if (f.maxVfs !== undefined || f.vfs.length) {
    w('sriov_totalvfs', String(f.maxVfs ?? f.vfs.length));
    w('sriov_numvfs', String(f.vfs.length));
  }
  f.vfs.forEach((vf, i) => symlinkSync(`../${vf}`, path.join(dev, `virtfn${i}`)));
  if (f.physfn) symlinkSync(`../${f.physfn}`, path.join(dev, 'physfn'));
  if (f.group !== undefined) {
    const g = path.join(root, 'sys/kernel/iommu_groups', String(f.group), 'devices');
    mkdirSync(g, { recursive: true });
    for (const m of f.groupMembers) symlinkSync(`../../../../devices/pci0000:00/${m}`, path.join(g, m));
    symlinkSync(`../../../kernel/iommu_groups/${f.group}`, path.join(dev, 'iommu_group'));
  }
  mkdirSync(path.join(root, 'sys/bus/pci/devices'), { recursive: true });
  symlinkSync(`../../../devices/pci0000:00/${f.bdf}`, path.join(root, 'sys/bus/pci/devices', f.bdf));
}

test('libvirt nodedev XML (PF/VF, IOMMU groups, NUMA): the parsed model states the same facts', async (t) => {
  const missing = corpusMissing('libvirt/nodedev');
  if (missing) return t.skip(missing);
  const dirs = ['v4.5.0', 'current', 'real-world'].map((d) => path.join(CORPUS, 'libvirt/nodedev', d));
  const files = dirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.xml')).map((n) => path.join(d, n)));
  let checked = 0;
  let sriov = 0;
  for (const file of files) {
    const f = facts(readFileSync(file, 'utf8'));
    if (!f) continue;
    const root = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-nodedev-'));
    try {
      layout(root, f);
      const s = await discover({ kind: 'local' }, { rootPrefix: root });
      const name = path.basename(file);
      assert.deepEqual(s.warnings, [], name);
      const d = s.devices.find((x) => x.bdf === parseBdf(f.bdf));
      assert.ok(d, `${name}: ${f.bdf}`);
      assert.equal(d.vendorId, f.vendor, name);
      assert.equal(d.deviceId, f.product, name);
      if (f.cls) assert.equal(d.classCode, f.cls, name);
      assert.equal(d.numaNode, f.numa !== undefined && f.numa >= 0 ? f.numa : undefined, name);
      assert.equal(d.iommuGroup, f.group, name);
      if (f.group !== undefined) assert.deepEqual(s.iommuGroups.find((g) => g.id === f.group)?.devices, [...f.groupMembers].sort(), name);
      assert.equal(d.physfn, f.physfn, name);
      assert.deepEqual(d.virtfns ?? [], f.vfs, name);
      if (f.maxVfs !== undefined) {
        assert.equal(d.sriovTotalVfs, f.maxVfs, name);
        assert.equal(d.sriovNumVfs, f.vfs.length, name);
        sriov++;
      }
      checked++;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  assert.ok(checked >= 15 && sriov >= 3, `${checked} PCI nodedevs, ${sriov} with SR-IOV`);
});
