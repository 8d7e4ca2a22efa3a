import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { toJsonFinding, type JsonFinding } from '../../src/cli/commands/lint';
import { lintText } from '../../src/core/lint';
import { corpusDir, corpusMissing } from '../core/xml/corpus';

// The built CLI (dist/cli.js: CommonJS bundle + dist/xml-worker.mjs + dist/libxml2.mjs + dist/schemas),
// run from another working directory, on real files; its JSON must equal the in-process lintText.
const repo = path.join(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli.js');

function cli(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  assert.ok(existsSync(bin), `${bin} is missing: run node scripts/build.mjs`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const work = mkdtempSync(path.join(tmpdir(), 'kvmnet-cli-xml-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const invalidDomain = `<domain type='kvm'>
  <name>cli</name>
  <memory>131072</memory>
  <os><type>hvm</type></os>
  <devices>
    <interface type='bridge' bogus='1'>
      <source bridge='br0'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x20' function='0x0'/>
    </interface>
  </devices>
</domain>
`;

async function inProcess(file: string, text: string, schemaDir?: string): Promise<JsonFinding[]> {
  const r = await lintText(file, text, schemaDir ? { schemaDir } : {});
  return r.findings.map((f) => toJsonFinding(file, f));
}

test('kvmnet lint --format json on an invalid domain, from another cwd: located findings, exit 1, same as lintText', async () => {
  writeFileSync(path.join(work, 'bad.xml'), invalidDomain);
  const r = cli(['lint', '--format', 'json', 'bad.xml'], work);
  assert.equal(r.code, 1, r.err);
  const json = JSON.parse(r.out) as JsonFinding[];
  const bogus = json.find((f) => f.code === 'schema-unknown-attribute');
  assert.deepEqual(
    { line: bogus?.line, column: bogus?.column, endLine: bogus?.endLine, endColumn: bogus?.endColumn, severity: bogus?.severity, source: bogus?.source },
    { line: 6, column: 30, endLine: 6, endColumn: 35, severity: 'error', source: 'kvmnet-schema' },
  );
  const slot = json.find((f) => /slot/.test(f.message) && f.severity === 'error');
  assert.ok(slot && slot.line === 9 && /0x00–0x1f/.test(slot.message), r.out);
  for (const f of json) assert.deepEqual(Object.keys(f), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message', 'source']);
  assert.deepEqual(json, await inProcess('bad.xml', invalidDomain));
});

test('kvmnet lint: not-well-formed XML is one located error; text format is FILE:LINE:COL', () => {
  writeFileSync(path.join(work, 'broken.xml'), `<network>\n  <name>n</name>\n  <bridge name='virbr1'\n</network>\n`);
  const r = cli(['lint', 'broken.xml'], work);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1, r.out);
  assert.match(lines[0]!, /^broken\.xml:[34]:\d+: error xml-not-well-formed /);
});

test('kvmnet lint --schema-dir: the bundled dist/schemas copy gives the same findings; a bad dir is an information finding', async () => {
  writeFileSync(path.join(work, 'bad.xml'), invalidDomain);
  const bundled = path.join(repo, 'dist/schemas');
  assert.ok(existsSync(path.join(bundled, 'domain.rng')) && existsSync(path.join(bundled, 'NOTICE')), 'dist/schemas not bundled: node scripts/build.mjs');
  const a = JSON.parse(cli(['lint', '--format', 'json', '--schema-dir', bundled, 'bad.xml'], work).out) as JsonFinding[];
  assert.deepEqual(a, await inProcess('bad.xml', invalidDomain));
  const b = cli(['lint', '--format', 'json', '--schema-dir', path.join(work, 'nowhere'), 'bad.xml'], work);
  const bj = JSON.parse(b.out) as JsonFinding[];
  assert.ok(bj.some((f) => f.code === 'schema-unavailable' && f.severity === 'info'), b.out);
});

test('kvmnet lint on real corpus files: fragments, network, node device and an invalid domain agree with lintText', async (t) => {
  if (corpusMissing) {
    t.skip(corpusMissing);
    return;
  }
  const files = [
    'libvirt/device-snippets/qemuhotplug-interface-hostdev.xml',
    'libvirt/device-snippets/qemuhotplug-hostdev-pci.xml',
    'libvirt/network/v4.5.0/hostdev.xml',
    'libvirt/nodedev/v4.5.0/pci_8086_10c9_sriov_pf.xml',
    'libvirt/domain-invalid/v4.5.0/pci-slot-invalid.xml',
    'libvirt/domain-invalid/current/vhost_queues-invalid.xml',
  ].map((f) => path.join(corpusDir, f));
  const r = cli(['lint', '--format', 'json', ...files], work);
  const json = JSON.parse(r.out) as JsonFinding[];
  const expected: JsonFinding[] = [];
  for (const f of files) expected.push(...(await inProcess(f, readFileSync(f, 'utf8'))));
  assert.deepEqual(json, expected);
  const queues = json.find((f) => f.file.endsWith('vhost_queues-invalid.xml') && f.code === 'schema-invalid-value');
  assert.ok(queues && /queues='-5'/.test(queues.message), r.out);
  assert.equal(r.code, 1);
});
