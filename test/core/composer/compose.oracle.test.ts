// Oracles for the composer, every mode: libvirt's schema (virt-xml-validate) and libvirt's own parser
// (virsh test:///default define) on the XML wrapped into a minimal domain, and the real qemu-system-x86_64 parse
// check (test/core/qemu/qemuOracle.ts) on the arguments. Tap and macvtap run inside a network namespace holding br0 and a veth pair;
// there is no /dev/vhost-net here, so vhost=on is checked in the arguments and then run without it; vfio-pci of a
// device this machine lacks can only fail with "no such host device", which is what is asserted.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { compose, virtualFunctions, type ComposeResult } from '../../../src/core/composer/compose';
import { DIRECT_MODES, defaultFormState, type FormState } from '../../../src/core/composer/state';
import { demoSnapshot } from '../../../src/core/host/demo';
import { NIC_MODELS } from '../../../src/core/qemu/generate';
import { createNetns, qemuAccepts, requireQemu, runShell } from '../qemu/qemuOracle';
import { virshDefine, virtXmlValidate, wrapDomain } from '../xml/oracle';

const base = defaultFormState();
const st = (patch: Partial<FormState>): FormState => ({ ...base, ...patch });
const demo = demoSnapshot();

let nextIndex = 4000 + (process.pid % 1000) * 10;
function freeTapIndex(): number {
  while (existsSync(`/dev/tap${nextIndex}`)) nextIndex++;
  return nextIndex++;
}

function xmlValid(r: ComposeResult): void {
  assert.deepEqual(r.errors, []);
  const doc = wrapDomain(r.xml.replace(/^/gm, '    '));
  const schema = virtXmlValidate(doc);
  assert.ok(schema.ok, `virt-xml-validate rejected:\n${doc}\n${schema.output}`);
  if (!r.xml.includes("<backend type='passt'/>")) {
    const parsed = virshDefine(doc);
    assert.ok(parsed.ok, `virsh define rejected:\n${doc}\n${parsed.output}`);
    return;
  }
  // Port forwards need the passt backend, which this machine's libvirt (9.0) parser does not know yet although
  // its schema does: it must refuse exactly that, and accept the rest of the element.
  const parsed = virshDefine(doc);
  if (!parsed.ok) assert.match(parsed.output, /Invalid value for attribute 'type' in element 'backend': 'passt'/);
  const withoutPasst = doc.replace(/ *<backend type='passt'\/>\n/, '').replace(/ *<portForward[^]*?<\/portForward>\n/g, '');
  const rest = virshDefine(withoutPasst);
  assert.ok(rest.ok, `virsh define rejected:\n${withoutPasst}\n${rest.output}`);
}

function qemuValid(r: ComposeResult, netns?: string): void {
  const args = r.qemuArgs.map((a) => a.replace(/,vhost=on\b/, ''));
  const q = qemuAccepts(args, r.redirects, r.prelude.filter((l) => !l.startsWith('#')), netns);
  assert.ok(q.ok, `QEMU rejected ${r.qemuText}:\n${q.stderr}`);
}

describe('user mode (QEMU inside a network namespace: its forwarded ports bind there, clashing with nothing)', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('cus');
  });
  after(() => ns?.delete());
  const cases: [string, FormState][] = [
    // libvirt refuses host port 0, so the form does too: real ports, bound inside the namespace only.
    ['tcp+udp forwards on 127.0.0.1', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '127.0.0.1', hostPort: '2222', guestPort: '22' }, { proto: 'udp', hostAddress: '127.0.0.1', hostPort: '5353', guestPort: '53' }] } })],
    ['forward on all addresses', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '', hostPort: '8080', guestPort: '80' }] } })],
    ['no forwards, restrict', st({ user: { restrict: true, portForwards: [] } })],
    ...NIC_MODELS.map((model): [string, FormState] => [`model ${model}`, st({ model, user: { restrict: false, portForwards: [] } })]),
  ];
  for (const [name, state] of cases) {
    test(name, () => {
      const r = compose(state);
      xmlValid(r);
      qemuValid(r, ns.name);
    });
  }
});

describe('bridge (tap) inside a network namespace', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('cbr');
  });
  after(() => ns?.delete());
  for (const vhost of [false, true]) {
    test(`vhost ${vhost ? 'on (XML; QEMU run without vhost: no /dev/vhost-net here)' : 'off'}`, () => {
      const r = compose(st({ mode: 'bridge', id: `b${vhost ? 1 : 0}`, bridge: { bridge: 'br0', tap: `ctap${vhost ? 1 : 0}`, vhost } }));
      assert.equal(r.qemuArgs[1]!.includes(',vhost=on'), vhost);
      xmlValid(r);
      qemuValid(r, ns.name);
    });
  }
});

describe('macvtap on a veth inside a network namespace', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('cmv');
  });
  after(() => ns?.delete());
  DIRECT_MODES.forEach((mode, i) => {
    test(`mode ${mode}`, () => {
      // passthrough takes the whole lower device: give it a veth of its own.
      const link = mode === 'passthrough' ? 'veth1' : 'veth0';
      const r = compose(st({ mode: 'macvtap', id: `m${i}`, macvtap: { link, mode, vhost: i % 2 === 0 } }));
      xmlValid(r);
      // /dev/tapN is named by ifindex in the one /dev all namespaces share: a stale /dev/tapN left by another run
      // (a regular file the shell's <> created) would shadow ours, so the macvtap gets an index with no node yet.
      const index = freeTapIndex();
      const created = runShell([`ip link add link ${link} name macvtap-m${i} index ${index} type macvtap mode ${mode === 'passthrough' ? 'passthru' : mode}`], ns.name);
      assert.ok(created.ok, created.stderr);
      qemuValid(r, ns.name);
    });
  });
});

describe('PCI passthrough and SR-IOV VF (vfio-pci)', () => {
  before(requireQemu);
  const vf = virtualFunctions(demo)[0]!;
  const cases: [string, FormState][] = [
    ['PCI function', st({ mode: 'pci', pci: { bdf: '0000:3b:00.1' } })],
    ['SR-IOV VF with MAC and VLAN', st({ mode: 'sriov', mac: '52:54:00:aa:bb:cc', sriov: { vf: vf.bdf, vlan: '42' } })],
    ['SR-IOV VF without MAC or VLAN', st({ mode: 'sriov', mac: '', sriov: { vf: vf.bdf, vlan: '' } })],
  ];
  for (const [name, state] of cases) {
    test(name, () => {
      const r = compose(state, { snapshot: demo });
      xmlValid(r);
      // This machine has no such device: QEMU must get past parsing and fail only on the missing host device.
      const q = qemuAccepts(r.qemuArgs);
      assert.equal(q.ok, false);
      assert.match(q.stderr, /no such host device/);
      assert.doesNotMatch(q.stderr, /invalid|not a valid device|Parameter|Property/i);
    });
  }
});
