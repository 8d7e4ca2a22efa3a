import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { completeXml } from '../../../src/core/xml/complete/complete';
import { hoverXml } from '../../../src/core/xml/complete/hover';
import { libvirtKind, LIBVIRT_ROOTS } from '../../../src/core/documentKind';
import { schemaModelFor, summarizeChildren, type PathStep } from '../../../src/core/xml/complete/schemaModel';
import { attrValue, childElements, parseXml, walkElements, type XmlElement } from '../../../src/core/xml/document';
import { reachableGrammars, valueMatches, type ValueAlt } from '../../../src/core/xml/schema/schemaIndex';
import { corpusMissing, corpusXmlFiles, cutDocumentWithCursor } from './corpus';

// Completion derived from libvirt's installed RelaxNG schemas (the oracle: xmllint --relaxng, i.e. virt-xml-validate).
const DIR = '/usr/share/libvirt/schemas';
assert.ok(existsSync(path.join(DIR, 'domain.rng')), 'libvirt schemas missing: apt-get install libvirt-clients (Debian package)');

function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  return [marked.replace('|', ''), offset];
}
const labels = (marked: string) => completeXml(...at(marked), DIR).map((c) => c.label);
const domain = (inner: string) => `<domain type='kvm'>\n  <devices>\n${inner}\n  </devices>\n</domain>\n`;
const sorted = (xs: string[]) => [...xs].sort();

test('non-networking elements complete too: <disk>, <os>, the domain root, <devices>', () => {
  const disk = labels(domain("    <disk type='file' device='disk'>\n      <|\n    </disk>"));
  for (const n of ['source', 'target', 'driver', 'iotune', 'readonly', 'boot']) assert.ok(disk.includes(n), n);
  const os = labels(`<domain type='kvm'>\n  <os>\n    <|\n  </os>\n</domain>`);
  for (const n of ['type', 'loader', 'kernel', 'initrd', 'cmdline', 'boot', 'bootmenu', 'smbios']) assert.ok(os.includes(n), n);
  const root = labels(`<domain type='kvm'>\n  <|\n</domain>`);
  for (const n of ['name', 'memory', 'vcpu', 'os', 'features', 'cpu', 'clock', 'devices', 'on_reboot']) assert.ok(root.includes(n), n);
  const devices = labels(domain('    <|'));
  assert.deepEqual(devices.slice(0, 2), ['interface', 'hostdev'], 'networking devices first');
  for (const n of ['disk', 'controller', 'serial', 'console', 'video', 'memballoon', 'rng', 'tpm']) assert.ok(devices.includes(n), n);
  assert.ok(!devices.includes('devices') && !devices.includes('source'));
  // Network and node device documents use their own grammars.
  assert.ok(labels(`<network>\n  <|\n</network>`).includes('dns'));
  assert.deepEqual(sorted(labels(`<device>\n  <|\n</device>`)), ['capability', 'devnode', 'driver', 'name', 'parent', 'path']);
  assert.deepEqual(sorted(labels('<|')), sorted([...LIBVIRT_ROOTS]), 'an empty file offers every libvirt kind');
  assert.deepEqual(labels('<|').slice(0, 4), ['domain', 'network', 'interface', 'hostdev'], 'guests and networks first');
});

test("other kinds complete from their own schema, never from the guest table: a host interface, a storage pool", () => {
  const host = labels(`<interface type='ethernet' name='eth0'>\n  <|\n</interface>`);
  for (const n of ['start', 'protocol', 'mac', 'mtu']) assert.ok(host.includes(n), `${n} in ${JSON.stringify(host)}`);
  for (const n of ['source', 'model', 'target']) assert.ok(!host.includes(n), `guest <${n}> offered on a host interface`);
  assert.deepEqual(labels(`<interface type='ethernet' name='eth0'>\n  <start mode='|'/>\n</interface>`).sort(), ['hotplug', 'none', 'onboot']);
  const pool = labels(`<pool type='dir'>\n  <|\n</pool>`);
  for (const n of ['name', 'target', 'uuid']) assert.ok(pool.includes(n), `${n} in ${JSON.stringify(pool)}`);
  assert.equal(hoverXml(`<interface type='ethernet' name='eth0'/>`, 3), undefined, 'no guest docs on a host interface');
});

test('attribute names and values of a non-networking element', () => {
  const attrs = labels(domain("    <disk type='file' device='disk'>\n      <driver |/>\n    </disk>"));
  for (const n of ['name', 'type', 'cache', 'io', 'discard']) assert.ok(attrs.includes(n), n);
  assert.deepEqual(sorted(labels(domain("    <disk type='file' device='disk'>\n      <driver name='qemu' cache='|'/>\n    </disk>"))), [
    'default', 'directsync', 'none', 'unsafe', 'writeback', 'writethrough',
  ]);
  assert.ok(labels(domain("    <disk type='|'/>")).includes('block'));
});

test('enumerated values come from the schema: interface type, macvtap mode, hostdev mode and type, forward mode', () => {
  const types = labels(domain("    <interface type='|'/>"));
  assert.deepEqual(types.slice(0, 3), ['network', 'bridge', 'direct'], 'curated order first');
  for (const t of ['vds', 'internal', 'vdpa', 'null']) assert.ok(types.includes(t), `schema-only type ${t}`);
  assert.deepEqual(labels(domain("    <interface type='direct'>\n      <source dev='eth0' mode='|'/>\n    </interface>")), ['vepa', 'bridge', 'private', 'passthrough']);
  assert.deepEqual(sorted(labels(domain("    <hostdev mode='|'/>"))), ['capabilities', 'subsystem']);
  // type='pci' exists only in the subsystem branch of the schema's choice.
  assert.deepEqual(labels(domain("    <hostdev mode='|' type='pci'/>")), ['subsystem']);
  assert.deepEqual(sorted(labels(domain("    <hostdev mode='subsystem' type='|'/>"))), ['mdev', 'pci', 'scsi', 'scsi_host', 'usb']);
  assert.deepEqual(sorted(labels(domain("    <hostdev mode='capabilities' type='|'/>"))), ['misc', 'net', 'storage']);
  assert.ok(labels(`<network>\n  <forward mode='|'/>\n</network>`).includes('hostdev'));
  // NIC models are a free-form pattern in the schema: the curated list answers.
  assert.equal(labels(domain("    <interface type='network'>\n      <model type='|'/>\n    </interface>"))[0], 'virtio');
});

test('the branch keyed by type= narrows attributes and children', () => {
  const bridge = labels(domain("    <interface type='bridge'>\n      <source |/>\n    </interface>"));
  assert.ok(bridge.includes('bridge') && !bridge.includes('dev') && !bridge.includes('mode'));
  const direct = labels(domain("    <interface type='direct'>\n      <source dev='eth0' |/>\n    </interface>"));
  assert.ok(direct.includes('mode') && !direct.includes('bridge') && !direct.includes('dev'));
  const vhostuser = labels(domain("    <interface type='vhostuser'>\n      <source |/>\n    </interface>"));
  assert.ok(vhostuser.includes('path') && vhostuser.includes('mode'));
  // <source> of a PCI hostdev holds an <address>; of a USB one, <vendor>/<product> too.
  assert.ok(labels(domain("    <hostdev mode='subsystem' type='usb'>\n      <source>\n        <|")).includes('vendor'));
  assert.ok(!labels(domain("    <hostdev mode='subsystem' type='pci'>\n      <source>\n        <|")).includes('vendor'));
  // The schema shares <portForward> across NIC types: offered for a bridge NIC too, but after the curated children.
  const bridgeKids = labels(domain("    <interface type='bridge'>\n      <|\n    </interface>"));
  assert.ok(bridgeKids.indexOf('portForward') > bridgeKids.indexOf('alias'));
  // Fragments (virsh attach-device) are completed against their definitions under <devices>.
  assert.ok(labels(`<interface type='bridge'>\n  <source |/>\n</interface>`).includes('bridge'));
  assert.ok(labels(`<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <|`).includes('address'));
});

test('a choice between children: <forward> with <interface>s is not offered <address>, and the reverse', () => {
  const net = (inner: string) => `<network>\n  <name>pool</name>\n  <forward mode='hostdev'>\n${inner}\n  </forward>\n</network>\n`;
  const afterNics = labels(net("    <interface dev='eth1'/>\n    <interface dev='eth2'/>\n    <|"));
  assert.ok(afterNics.includes('interface') && afterNics.includes('pf') && afterNics.includes('driver'), afterNics.join());
  assert.ok(!afterNics.includes('address'), 'address after <interface>s');
  const afterVfs = labels(net("    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>\n    <|"));
  assert.ok(afterVfs.includes('address') && afterVfs.includes('pf'), afterVfs.join());
  assert.ok(!afterVfs.includes('interface'), 'interface after <address>es');
  // Siblings after the cursor count as well.
  const before = labels(net("    <|\n    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>"));
  assert.ok(before.includes('address') && !before.includes('interface'), before.join());
  // Must not: with neither present, both branches are open.
  const empty = labels(net('    <|'));
  assert.ok(empty.includes('interface') && empty.includes('address'), empty.join());
});

test('cardinality: a child that may occur once is not offered again; repeatable ones are', () => {
  const nic = (inner: string) => domain(`    <interface type='bridge'>\n${inner}\n    </interface>`);
  const full = labels(nic("      <source bridge='br0'/>\n      <mac address='52:54:00:aa:bb:cc'/>\n      <model type='virtio'/>\n      <|"));
  for (const once of ['source', 'mac', 'model']) assert.ok(!full.includes(once), `${once} is already there`);
  for (const more of ['driver', 'address', 'target', 'ip', 'route']) assert.ok(full.includes(more), more);
  // Must not: absent singletons are offered, also when the others follow the cursor.
  const fresh = labels(nic('      <|'));
  for (const once of ['source', 'mac', 'model']) assert.ok(fresh.includes(once), once);
  const middle = labels(nic("      <source bridge='br0'/>\n      <|\n      <model type='virtio'/>"));
  assert.ok(middle.includes('mac') && !middle.includes('source') && !middle.includes('model'), middle.join());
  // Editing the name of an existing singleton offers that name (the element being typed is not its own sibling).
  assert.ok(labels(nic("      <source bridge='br0'/>\n      <|mac address='52:54:00:aa:bb:cc'/>")).includes('mac'));
  assert.ok(labels(nic("      <|source bridge='br0'>\n      </source>\n      <mac address='52:54:00:aa:bb:cc'/>")).includes('source'));
  // zeroOrMore/oneOrMore children stay offered once present: NICs and disks in <devices>, <ip> in <network>, <boot> in <os>.
  const devices = labels(domain("    <interface type='network'><source network='default'/></interface>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n    <|"));
  assert.ok(devices.includes('interface') && devices.includes('disk'), devices.join());
  assert.ok(!devices.includes('emulator'), 'one <emulator> per domain');
  const network = labels(`<network>\n  <name>n</name>\n  <ip address='10.0.0.1' prefix='24'/>\n  <|\n</network>`);
  assert.ok(network.includes('ip') && !network.includes('name'), network.join());
  const os = labels(`<domain type='kvm'>\n  <os>\n    <type>hvm</type>\n    <boot dev='hd'/>\n    <|\n  </os>\n</domain>`);
  assert.ok(os.includes('boot') && !os.includes('type'), os.join());
  // Fragments too.
  const fragment = labels(`<interface type='bridge'>\n  <source bridge='br0'/>\n  <|\n</interface>`);
  assert.ok(fragment.includes('model') && !fragment.includes('source'), fragment.join());
});

test('without a schema set the curated table still answers', () => {
  const [text, offset] = at(domain('    <|'));
  assert.deepEqual(sorted(completeXml(text, offset).map((c) => c.label)), ['hostdev', 'interface']);
});

test('the model is compiled once per schema set and reused on a 5,000-line document', () => {
  const domainKind = libvirtKind("<domain type='kvm'>");
  assert.equal(schemaModelFor(DIR, domainKind), schemaModelFor(DIR, domainKind));
  assert.equal(schemaModelFor(DIR, libvirtKind("<interface type='bridge'>")), schemaModelFor(DIR, domainKind), 'fragments share the domain grammar');
  assert.notEqual(schemaModelFor(DIR, libvirtKind("<interface type='ethernet' name='eth0'>")), schemaModelFor(DIR, domainKind), 'a host interface has its own');
  const nics = Array.from({ length: 1000 }, (_, i) => `    <interface type='bridge'>\n      <source bridge='br0'/>\n      <mac address='52:54:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}'/>\n      <model type='virtio'/>\n    </interface>`);
  const big = domain(`${nics.join('\n')}\n    <disk type='file'>\n      <|\n    </disk>`);
  assert.ok(big.split('\n').length > 5000);
  assert.ok(labels(big).includes('iotune'));
});

// ---- the corpus: every element and attribute of a valid document is offered where it stands ----

const GRAMMAR: Record<string, string> = { domain: 'domain.rng', network: 'network.rng', device: 'nodedev.rng' };

/** xmllint --relaxng on many files at once (what virt-xml-validate runs): the names of those that validate. */
function validating(files: string[], rng: string): Set<string> {
  if (files.length === 0) return new Set();
  const r = spawnSync('xmllint', ['--noout', '--relaxng', path.join(DIR, rng), ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, 'xmllint is missing: apt-get install libxml2-utils (Debian package)');
  return new Set([...r.stderr.matchAll(/^(.*) validates$/gm)].map((m) => m[1]!));
}

function stepsOf(el: XmlElement): PathStep[] {
  const out: PathStep[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) out.unshift({ name: e.name, attrs: new Map(e.attributes.map((a) => [a.name, a.value])), children: summarizeChildren(e) });
  return out;
}

function validCorpus(): { file: string; text: string; root: XmlElement }[] {
  const out: { file: string; text: string; root: XmlElement }[] = [];
  const files = ['domain', 'network', 'nodedev', 'virt-manager'].flatMap((d) => corpusXmlFiles(`libvirt/${d}`));
  const docs = files.map((file) => ({ file, text: readFileSync(file, 'utf8') })).map((d) => ({ ...d, root: parseXml(d.text).root }));
  for (const [rootName, rng] of Object.entries(GRAMMAR)) {
    const mine = docs.filter((d) => d.root?.name === rootName);
    const ok = validating(mine.map((d) => d.file), rng);
    for (const d of mine) if (ok.has(d.file)) out.push(d as { file: string; text: string; root: XmlElement });
  }
  return out;
}

/** Attributes the schema enumerates (path suffix @ name): their corpus values must be offered. */
const ENUMERATED = ['interface@type', 'interface/source@mode', 'hostdev@mode', 'hostdev@type', 'forward@mode', 'address@type'];

test('corpus: at every element of every valid document, its name, attributes and enumerated values are offered', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const docs = validCorpus();
  assert.ok(docs.length > 100, `only ${docs.length} valid corpus documents`);
  const missing: string[] = [];
  let checked = 0;
  for (const { file, text, root } of docs) {
    const model = schemaModelFor(DIR, libvirtKind(text));
    for (const el of walkElements(root)) {
      // Foreign namespaces (<metadata> content, qemu:commandline) are open content in the schema.
      if (el.name.includes(':') || stepsOf(el).some((s) => s.name === 'metadata')) continue;
      const where = `${path.basename(file)}:${root.name === el.name && !el.parent ? '' : stepsOf(el).map((s) => s.name).join('/')}`;
      if (el.parent) {
        // Through the real entry point: the cursor right after `<` of this element's start tag.
        const offered = completeXml(text, el.nameSpan.start, DIR).map((c) => c.label);
        checked++;
        if (!offered.includes(el.name)) missing.push(`${where}: element not offered`);
      }
      const steps = stepsOf(el);
      for (const a of el.attributes) {
        if (a.name.includes(':') || a.name.startsWith('xmlns')) continue;
        const others = [...steps.slice(0, -1), { name: el.name, attrs: new Map([...steps.at(-1)!.attrs].filter(([k]) => k !== a.name)) }];
        if (!(model.attributeNames(others) ?? []).includes(a.name)) missing.push(`${where}@${a.name}: attribute not offered`);
        const key = `${steps.map((x) => x.name).join('/')}@${a.name}`;
        if (ENUMERATED.some((e) => key.endsWith(`/${e}`)) && !(model.attributeValues(steps, a.name) ?? []).includes(a.value)) missing.push(`${where}@${a.name}='${a.value}': value not offered`);
      }
    }
  }
  assert.ok(checked > 3000, `checked only ${checked} positions`);
  assert.deepEqual(missing, []);
});

// ---- the oracle: what is offered really is allowed (a sample, inserted with minimal content) ----

/** The RNG definitions reachable from `file`, by name (to build minimal instances of a definition). */
function defines(file: string): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  for (const root of reachableGrammars(DIR, file)) {
    for (const el of walkElements(root)) {
      const name = attrValue(el, 'name');
      if (el.name === 'define' && name) out.set(name, [...(out.get(name) ?? []), el]);
    }
  }
  return out;
}

const SAMPLES = ['a', '0', '1', 'yes', 'on', '0x0', '/a', 'a.b', '00:11:22:33:44:55', '192.168.0.1', '12345678-1234-1234-1234-123456789abc', '0x0000', '5000c50015ea71ad'];

/** A value `alt` accepts (valueMatches cannot check every XSD type: those get a typed sample). */
function sampleFor(alt: ValueAlt): string | undefined {
  if (alt.kind === 'data' && alt.type === 'dateTime') return '2030-01-01T00:00:00';
  return SAMPLES.find((s) => valueMatches(alt, s));
}

/** A minimal instance of a RelaxNG pattern: required attributes and children only, first workable choice branch. */
class Minimal {
  constructor(private readonly defs: Map<string, XmlElement[]>) {}

  private value(nodes: XmlElement[], depth: number): string | undefined {
    const n = nodes[0];
    if (!n || n.name === 'text' || n.name === 'empty') return 'a';
    if (n.name === 'value') return n.children.map((c) => (c.kind === 'text' ? c.text : '')).join('').trim();
    if (n.name === 'data') {
      const params: Record<string, string> = {};
      for (const p of childElements(n, 'param')) params[attrValue(p, 'name')!] = p.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
      const alt: ValueAlt = { kind: 'data', type: attrValue(n, 'type') ?? 'string', params, via: [] };
      return sampleFor(alt);
    }
    if (n.name === 'choice') {
      for (const c of childElements(n)) {
        const v = this.value([c], depth);
        if (v !== undefined) return v;
      }
      return undefined;
    }
    if (n.name === 'ref' && depth < 30) return this.value(childElements(this.defs.get(attrValue(n, 'name')!)![0]!), depth + 1);
    return undefined;
  }

  /** [attributes, content] of a sequence of patterns, or undefined when none could be built. */
  seq(nodes: XmlElement[], depth: number): [string, string] | undefined {
    let attrs = '';
    let content = '';
    for (const n of nodes) {
      const r = this.pattern(n, depth);
      if (!r) return undefined;
      attrs += r[0];
      content += r[1];
    }
    return [attrs, content];
  }

  private pattern(n: XmlElement, depth: number): [string, string] | undefined {
    if (depth > 30) return undefined;
    switch (n.name) {
      case 'element':
        return ['', this.element(n, depth + 1) ?? '\u0000'];
      case 'attribute': {
        const v = this.value(childElements(n), depth);
        return v === undefined ? undefined : [` ${attrValue(n, 'name')}='${v}'`, ''];
      }
      case 'optional':
      case 'zeroOrMore':
      case 'empty':
        return ['', ''];
      case 'choice':
        for (const c of childElements(n)) {
          const r = this.pattern(c, depth + 1);
          if (r && !r[1].includes('\u0000')) return r;
        }
        return undefined;
      case 'ref':
        return this.seq(childElements(this.defs.get(attrValue(n, 'name')!)![0]!), depth + 1);
      case 'text':
        return ['', 'a'];
      case 'data':
      case 'value': {
        const v = this.value([n], depth);
        return v === undefined ? undefined : ['', v];
      }
      default: // group, interleave, oneOrMore, mixed
        return this.seq(childElements(n), depth + 1);
    }
  }

  element(def: XmlElement, depth = 0): string | undefined {
    const r = this.seq(childElements(def), depth);
    if (!r || r[1].includes('\u0000')) return undefined;
    const name = attrValue(def, 'name')!;
    return r[1] === '' ? `<${name}${r[0]}/>` : `<${name}${r[0]}>${r[1]}</${name}>`;
  }
}

// Sample positions: the first non-empty element of each name in the valid corpus documents of a root.
const ORACLE_SAMPLES: [root: string, targets: string[], minInsertions: number][] = [
  ['domain', ['os', 'disk', 'interface', 'hostdev', 'devices', 'features', 'cpu', 'controller'], 100],
  ['network', ['network', 'forward', 'ip', 'dns', 'bridge'], 15],
];

for (const [rootName, targets, minInsertions] of ORACLE_SAMPLES) test(`oracle (${rootName}): every offered child at sample positions, inserted with its minimal content, keeps the document valid`, (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const rng = GRAMMAR[rootName]!;
  const minimal = new Minimal(defines(rng));
  const docs = validCorpus().filter((d) => d.root.name === rootName);
  const tmp = mkdtempSync(path.join(tmpdir(), 'kvmnet-complete-'));
  try {
    const files = new Map<string, string>();
    const unbuilt: string[] = [];
    for (const target of targets) {
      const doc = docs.find((d) => [...walkElements(d.root)].some((e) => e.name === target && !e.selfClosing));
      if (!doc) continue;
      const el = [...walkElements(doc.root)].find((e) => e.name === target && !e.selfClosing)!;
      const model = schemaModelFor(DIR, libvirtKind(doc.text));
      // At the end of its content: the children already there select the schema branch, as when typing.
      const insertAt = doc.text.lastIndexOf('</', el.span.end);
      const offered = completeXml(`${doc.text.slice(0, insertAt)}<${doc.text.slice(insertAt)}`, insertAt + 1, DIR).map((c) => c.label);
      assert.ok(offered.length > 0, target);
      // A child already there is offered only when it may repeat: inserting another must validate too.
      for (const name of offered) {
        const def = model.childDefs(stepsOf(el), name).map((d) => minimal.element(d)).find((x) => x !== undefined);
        if (!def) {
          unbuilt.push(`<${target}>/${name}`);
          continue;
        }
        const file = path.join(tmp, `${target}-${name}.xml`);
        writeFileSync(file, `${doc.text.slice(0, insertAt)}${def}${doc.text.slice(insertAt)}`);
        files.set(file, `<${target}> in ${path.basename(doc.file)}: ${def}`);
      }
    }
    console.log(`${files.size} insertions; no minimal instance for: ${unbuilt.join(' ')}`);
    assert.ok(files.size >= minInsertions, `only ${files.size} insertions built`);
    const ok = validating([...files.keys()], rng);
    const rejected = [...files].filter(([f]) => !ok.has(f)).map(([, what]) => what);
    assert.deepEqual(rejected, []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('oracle: every offered attribute at sample elements, inserted with a value its datatype accepts, keeps the document valid', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const docs = validCorpus().filter((d) => d.root.name === 'domain');
  const model = schemaModelFor(DIR, libvirtKind('<domain>'));
  const targets = ['disk', 'interface', 'hostdev', 'controller', 'graphics', 'video', 'serial', 'input', 'memballoon', 'os', 'cpu', 'clock'];
  const tmp = mkdtempSync(path.join(tmpdir(), 'kvmnet-complete-'));
  try {
    const files = new Map<string, string>();
    const unbuilt: string[] = [];
    for (const target of targets) {
      const doc = docs.find((d) => [...walkElements(d.root)].some((e) => e.name === target));
      if (!doc) continue;
      const el = [...walkElements(doc.root)].find((e) => e.name === target)!;
      const p = el.openTagSpan.end - (el.selfClosing ? 2 : 1);
      const offered = completeXml(`${doc.text.slice(0, p)} ${doc.text.slice(p)}`, p + 1, DIR).map((c) => c.label);
      const steps = stepsOf(el);
      for (const name of offered) {
        if (el.attributes.some((a) => a.name === name)) continue;
        const alts = (model.variantsAt(steps) ?? []).flatMap((v) => v.attrs.get(name) ?? []);
        const value = model.attributeValues(steps, name)?.[0] ?? alts.map(sampleFor).find((v) => v !== undefined);
        if (value === undefined) {
          unbuilt.push(`${target}@${name}`);
          continue;
        }
        const file = path.join(tmp, `${target}-${name}.xml`);
        writeFileSync(file, `${doc.text.slice(0, p)} ${name}='${value}'${doc.text.slice(p)}`);
        files.set(file, `<${target}> in ${path.basename(doc.file)}: ${name}='${value}'`);
      }
    }
    console.log(`${files.size} insertions; no sample value for: ${unbuilt.join(' ')}`);
    assert.ok(files.size >= 15, `only ${files.size} insertions built`);
    const ok = validating([...files.keys()], 'domain.rng');
    assert.deepEqual([...files].filter(([f]) => !ok.has(f)).map(([, what]) => what), []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('schema-backed completion never throws, at any offset of mutated corpus documents', async (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const fc = (await import('fast-check')).default;
  const docs = corpusXmlFiles('libvirt/domain').slice(0, 40).map((f) => readFileSync(f, 'utf8'));
  fc.assert(
    fc.property(cutDocumentWithCursor(fc, docs), ({ text, offset }) => {
      for (const item of completeXml(text, offset, DIR)) assert.ok(item.replace.start <= item.replace.end && item.replace.end <= text.length);
    }),
    { numRuns: 1000, seed: 12 },
  );
});
