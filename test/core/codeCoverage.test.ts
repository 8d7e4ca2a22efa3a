/**
 * Every code of every rule family (libvirt schema, libvirt XML rules, QEMU launch-script rules, host readiness) has
 * a case that triggers it: a new code without one, or a case that stops triggering its code, fails here. The
 * per-family tests run the same cases against the real tools (virt-xml-validate/virsh, QEMU).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/core/findings';
import { lintLaunchScript } from '../../src/core/qemu/lint';
import { parseLaunchScript } from '../../src/core/qemu/model';
import { duplicateMacsAcrossScripts } from '../../src/core/qemu/workspace';
import { runReadinessChecks } from '../../src/core/readiness/checks';
import { CHECK_CODES } from '../../src/core/readiness/model';
import { LINT_FAMILIES } from '../../src/core/rules';
import type { CodeTable } from '../../src/core/rulekit';
import { parseXml } from '../../src/core/xml/document';
import { lintLibvirtXml } from '../../src/core/xml/lint';
import { checkLibvirtSemantics, duplicateMacsAcrossFiles } from '../../src/core/xml/rules';
import { analyzeLibvirtXml } from '../../src/core/xml/schema/analyze';
import { SCHEMA_CODES } from '../../src/core/xml/schema/codes';
import { resolveSchemaSet } from '../../src/core/xml/schema/schemaSet';
import { cases as qemuCases } from './qemu/lintCases';
import { READY_INTEL } from './readiness/fixtures';
import { wrapDomain } from './xml/oracle';
import { caseDocument, cases as xmlCases, mac, net, V } from './xml/ruleCases';

/** What a case reports: the codes (or readiness check ids) it triggers. */
type Trigger = () => Promise<readonly string[]> | readonly string[];
/** A code no input can trigger, with the reason. */
interface Untriggerable {
  readonly untriggerable: string;
}
type Cases<T extends CodeTable> = { readonly [K in keyof T]: readonly Trigger[] | Untriggerable };
/** A family whose cases come partly from its own test's table: completeness is checked at run time only. */
type AnyCases = Readonly<Record<string, readonly Trigger[] | Untriggerable>>;

const codes = (fs: readonly Finding[]): string[] => fs.map((f) => f.code);
/** The cases of a family test's table, by code key. */
function byCode<C>(cs: readonly C[], key: (c: C) => string, run: (c: C) => Trigger): Record<string, Trigger[]> {
  const out: Record<string, Trigger[]> = {};
  for (const c of cs) (out[key(c)] ??= []).push(run(c));
  return out;
}

const xml = (text: string): Trigger => async () => codes(await lintLibvirtXml(text, { schemaThread: 'inline' }));
const domain = (devices: string): string => wrapDomain(devices);

const schema: Cases<typeof SCHEMA_CODES> = {
  NotWellFormed: [xml('<domain>\n  <devices>\n</domain>')],
  InvalidValue: [xml(domain("    <interface type='brdge'>\n      <source bridge='br0'/>\n    </interface>"))],
  UnknownAttribute: [xml(domain(`    <interface type='bridge' bogus='1'>\n      <source bridge='br0'/>\n${V}\n    </interface>`))],
  UnexpectedElement: [xml(domain(`    <interface type='bridge'>\n      <source bridge='br0'/>\n${V}\n      <bogus/>\n    </interface>`))],
  MissingAttribute: [xml(domain("    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>\n      <source>\n        <address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>\n      </source>\n    </hostdev>"))],
  MissingElement: [xml("<domain type='kvm'><memory>1</memory><os><type>hvm</type></os></domain>")],
  Invalid: [xml(domain(`    <interface type='bridge'>\n      <source bridge='br0'/>\n${V}\n      text\n    </interface>`))],
  Unavailable: [async () => codes(await lintLibvirtXml(domain(''), { schemaDir: '/nonexistent/schemas', schemaThread: 'inline' }))],
};

const xmlRules: AnyCases = {
  ...byCode(xmlCases, (c) => c.code, (c) => () => codes(checkLibvirtSemantics(parseXml(caseDocument(c, c.fires))))),
  MacDuplicateWorkspace: [
    () => {
      const file = (name: string, m: string) => ({ file: `${name}.xml`, doc: parseXml(wrapDomain(net(`${mac(m)}\n${V}`), name)) });
      return [...duplicateMacsAcrossFiles([file('a', '52:54:00:aa:00:01'), file('b', '52:54:00:aa:00:01')]).values()].flatMap(codes);
    },
  ],
  TooLarge: [
    async () => {
      const { set } = resolveSchemaSet();
      assert.ok(set, 'a libvirt schema set (Debian libvirt-clients)');
      return codes(await analyzeLibvirtXml(domain(net(V)), set, { maxElements: 3, maxAttributes: 1000 }));
    },
  ],
  RulesFailed: { untriggerable: 'reported only when a semantic rule throws (a bug in the extension): the catch in schema/analyze.ts' },
};

const qemuRules: AnyCases = {
  ...byCode(qemuCases, (c) => c.rule, (c) => () => codes(lintLaunchScript(c.bad, { fileName: '/vm/launch.sh' }))),
  MacDuplicateWorkspace: [
    () => {
      const script = (file: string) => {
        const text = '#!/bin/sh\nqemu-system-x86_64 -netdev tap,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:aa:00:01\n';
        return { file, text, script: parseLaunchScript(text) };
      };
      return [...duplicateMacsAcrossScripts([script('a.sh'), script('b.sh')]).values()].flatMap(codes);
    },
  ],
};

/**
 * A readiness check triggers when it does not pass (warn or fail; unknown for the optional libvirt, which never fails):
 * a ready host with the fact it needs taken away.
 */
const notPassing = (patch: Partial<typeof READY_INTEL.system>, rest: Partial<typeof READY_INTEL> = {}): Trigger => () =>
  runReadinessChecks({ ...READY_INTEL, ...rest, system: { ...READY_INTEL.system, ...patch } })
    .filter((c) => c.status !== 'pass')
    .map((c) => c.id);
const readiness: Cases<typeof CHECK_CODES> = {
  CpuVirt: [notPassing({ cpuFlags: ['fpu'] })],
  KvmDevice: [notPassing({ devNodes: { ...READY_INTEL.system.devNodes, '/dev/kvm': false } })],
  KvmBios: [notPassing({ kernelLog: ['kvm: disabled by bios'] })],
  IommuActive: [notPassing({ iommuClasses: [], iommuGroupCount: 0 })],
  IommuCmdline: [notPassing({ kernelCmdline: 'ro intel_iommu=off' })],
  InterruptRemapping: [notPassing({ kernelLog: ['No interrupt remapping support'] })],
  VfioModules: [notPassing({ modules: ['kvm'], builtinModules: [] })],
  VfioUnsafeInterrupts: [notPassing({ allowUnsafeInterrupts: true })],
  SriovDevices: [notPassing({}, { devices: [{ bdf: '0000:00:02.0', classCode: '020000', vendorId: '1af4', deviceId: '1000' }] as never })],
  VhostNet: [notPassing({ devNodes: { ...READY_INTEL.system.devNodes, '/dev/vhost-net': false } })],
  Tun: [notPassing({ devNodes: { ...READY_INTEL.system.devNodes, '/dev/net/tun': false } })],
  Bridges: [notPassing({}, { interfaces: [{ name: 'eth0' }] })],
  Macvtap: [notPassing({ modules: [], builtinModules: [] })],
  Qemu: [notPassing({ qemuVersion: 'QEMU emulator version 1.7.0' })],
  Libvirt: [notPassing({ libvirtVersion: undefined, libvirtSocket: false })],
};

const families: readonly { readonly name: string; readonly table: CodeTable; readonly cases: AnyCases }[] = [
  { name: 'kvmnet-schema', table: LINT_FAMILIES[0]!.codes, cases: schema },
  { name: 'kvmnet-xml', table: LINT_FAMILIES[1]!.codes, cases: xmlRules },
  { name: 'kvmnet-qemu', table: LINT_FAMILIES[2]!.codes, cases: qemuRules },
  { name: 'readiness', table: CHECK_CODES, cases: readiness },
];

test('the lint families are the schema, XML and QEMU code tables, in that order', () => {
  assert.deepEqual(LINT_FAMILIES.map((f) => f.source), ['kvmnet-schema', 'kvmnet-xml', 'kvmnet-qemu']);
  assert.equal(LINT_FAMILIES[0]!.codes, SCHEMA_CODES);
});

for (const { name, table, cases } of families) {
  describe(`${name}: every code has a triggering case`, () => {
    test('no code without a case, no case without a code, every code has a one-line doc', () => {
      assert.deepEqual(Object.keys(cases).sort(), Object.keys(table).sort());
      for (const c of Object.values(table)) assert.ok(c.doc.length > 10 && !c.doc.includes('\n'), c.id);
    });
    for (const [key, code] of Object.entries(table)) {
      const triggers = cases[key];
      if (!triggers || 'untriggerable' in triggers) continue;
      test(`${code.id} is triggered`, async () => {
        assert.ok(triggers.length > 0);
        for (const trigger of triggers) {
          const seen = await trigger();
          assert.ok(seen.includes(code.id), `${code.id} expected in ${JSON.stringify(seen)}`);
        }
      });
    }
  });
}
