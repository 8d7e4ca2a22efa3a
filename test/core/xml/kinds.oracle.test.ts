// Issue #14 part 2: every libvirt XML kind virt-xml-validate knows gets that tool's verdict (the project's own
// real-world set, test/realworld/libvirt, copied verbatim from libvirt's test data: see PROVENANCE.tsv), and the
// guest rules read guest XML only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../../src/core/lint';
import { SYSTEM_SCHEMA_DIR } from '../../../src/core/xml/schema/schemaSet';
import { compareVerdicts, reportVerdicts } from '../../support/xmlVerdicts';

const OWNED = path.resolve(import.meta.dirname, '../../realworld/libvirt');

function xmlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? xmlFiles(p) : p.endsWith('.xml') ? [p] : [];
    });
}

/** virt-xml-validate's exit status on a text (0: valid). */
function oracle(text: string): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-kinds-'));
  try {
    const file = path.join(dir, 'doc.xml');
    writeFileSync(file, text);
    try {
      execFileSync('virt-xml-validate', [file], { stdio: 'pipe' });
      return 0;
    } catch (e) {
      return (e as { status?: number }).status ?? -1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lint = async (name: string, text: string) => (await lintText(name, text, { schemaDir: SYSTEM_SCHEMA_DIR, schemaThread: 'inline' })).findings;

test("a host interface definition (virsh iface-define) is checked against interface.rng, not as a guest NIC", async () => {
  // The shape the issue reports: libvirt accepts it, the guest NIC schema gave several errors.
  const eth0 = "<interface type='ethernet' name='eth0'>\n  <start mode='onboot'/>\n  <mac address='52:54:00:12:34:56'/>\n  <protocol family='ipv4'>\n    <dhcp/>\n  </protocol>\n</interface>\n";
  assert.equal(oracle(eth0), 0, 'virt-xml-validate accepts it');
  assert.deepEqual(await lint('eth0.xml', eth0), [], "no schema error, and no guest rule (QEMU's default MAC is a guest's problem)");
  const broken = eth0.replace("mode='onboot'", "mode='sometimes'");
  assert.notEqual(oracle(broken), 0);
  const findings = await lint('eth0.xml', broken);
  assert.ok(findings.some((f) => f.severity === 'error' && f.range.start.line === 1 && /mode/.test(f.message)), JSON.stringify(findings));
});

test('the same <interface> without name= is a guest NIC fragment: the guest schema and rules apply', async () => {
  const nic = "<interface type='bridge'>\n  <source bridge='br0'/>\n  <mac address='52:54:00:12:34:56'/>\n</interface>\n";
  const findings = await lint('nic.xml', nic);
  assert.ok(findings.some((f) => f.code === 'mac-qemu-default'), JSON.stringify(findings));
});

test('kinds without guest rules get the schema verdict only: a storage pool, a secret', async () => {
  const pool = "<pool type='dir'>\n  <name>default</name>\n  <target>\n    <path>/var/lib/libvirt/images</path>\n  </target>\n</pool>\n";
  assert.equal(oracle(pool), 0);
  assert.deepEqual(await lint('pool.xml', pool), []);
  const secret = "<secret ephemeral='maybe' private='no'>\n  <usage type='volume'><volume>/var/lib/x.img</volume></usage>\n</secret>\n";
  assert.notEqual(oracle(secret), 0);
  assert.ok((await lint('secret.xml', secret)).some((f) => f.severity === 'error'));
});

test("a kind whose schema this libvirt lacks says so (an information item), never silence", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-schemas-'));
  try {
    cpSync(SYSTEM_SCHEMA_DIR, dir, { recursive: true, filter: (src) => path.basename(src) !== 'secret.rng' });
    const secret = "<secret ephemeral='no' private='yes'>\n  <uuid>c3c5e4a6-a6d2-4b2b-9d4b-3c5b3a7d1e2f</uuid>\n</secret>\n";
    const findings = (await lintText('secret.xml', secret, { schemaDir: dir, schemaThread: 'inline' })).findings;
    assert.deepEqual(findings.map((f) => [f.severity, f.code]), [['info', 'schema-unavailable']]);
    assert.match(findings[0]!.message, /no schema for a secret \(virsh secret-define\) \(secret\.rng is not in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("schema verdict equals virt-xml-validate on the project's real-world set of every kind (0 disagreements)", async () => {
  const files = xmlFiles(OWNED);
  const rows = await compareVerdicts(files, OWNED);
  const kinds = new Set(rows.map((r) => r.kind));
  assert.ok(files.length >= 30 && kinds.size >= 12, `expected the whole set: ${files.length} files, ${kinds.size} kinds in ${OWNED}`);
  const disagreements = reportVerdicts('libvirt XML kinds conformance', rows);
  assert.equal(disagreements.length, 0, `${disagreements.length} disagreements with virt-xml-validate (listed above)`);
});
