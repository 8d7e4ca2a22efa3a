/**
 * Hostile `kvmnet.libvirt.schemaPath`: a relative value resolves against the given base (the
 * workspace folder), not the process's cwd; a schema directory whose domain.rng (or an included
 * file) is a FIFO, a directory, a link to /dev/zero or huge is refused with a clear problem instead
 * of hanging the reader or filling memory, on every path that reads schema files (resolution, the
 * async loader, the sync reader the worker uses, libxml2's includes during validation).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lintLibvirtXml } from '../../src/core/xml/lint';
import { readSchemaFile, schemaFileText, SchemaFileError, MAX_SCHEMA_FILE_BYTES } from '../../src/core/xml/schema/schemaFiles';
import { loadSchemaSet, resolveSchemaSet, SYSTEM_SCHEMA_DIR } from '../../src/core/xml/schema/schemaSet';

const DOMAIN = "<domain type='kvm'><name>t</name><memory>1</memory><os><type>hvm</type></os></domain>";
/** A hang is a failure, not a stuck run. */
const BOUNDED = { timeout: 20_000 };

let root: string;

/** A copy of the machine's schemas with `name` replaced by `make(file)`. */
function schemaDir(label: string, name?: string, make?: (file: string) => void): string {
  const dir = path.join(root, label);
  mkdirSync(dir);
  for (const f of readdirSync(SYSTEM_SCHEMA_DIR)) if (f !== name) copyFileSync(path.join(SYSTEM_SCHEMA_DIR, f), path.join(dir, f));
  if (name && make) make(path.join(dir, name));
  return dir;
}

const fifo = (file: string): void => {
  const r = spawnSync('mkfifo', [file]);
  assert.equal(r.status, 0, 'mkfifo (coreutils)');
};
const directory = (file: string): void => mkdirSync(file);
const devZero = (file: string): void => symlinkSync('/dev/zero', file);
const huge = (file: string): void => {
  writeFileSync(file, '');
  truncateSync(file, MAX_SCHEMA_FILE_BYTES + 1); // sparse: no disk used
};
const HOSTILE: [string, (file: string) => void, RegExp][] = [
  ['a FIFO', fifo, /a FIFO, not a regular file/],
  ['a directory', directory, /a directory, not a regular file/],
  ['a link to /dev/zero', devZero, /a device, not a regular file/],
  ['larger than the bound', huge, /larger than 8 MiB/],
];

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-hostile-schema-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a relative schema path resolves against the base directory (the workspace folder), not the cwd', async () => {
  const ws = path.join(root, 'ws');
  mkdirSync(ws);
  const dir = schemaDir(path.join('ws', 'schemas'));
  assert.notEqual(process.cwd(), ws);
  const r = resolveSchemaSet('schemas', ws);
  assert.equal(r.set?.dir, dir);
  assert.equal(r.set?.origin, 'setting');
  assert.equal((await loadSchemaSet('./schemas', ws)).set?.dir, dir);
  assert.match(resolveSchemaSet('schemas', root).problem ?? '', new RegExp(`${root}/schemas has no domain.rng`));
});

for (const [what, make, message] of HOSTILE) {
  describe(`domain.rng that is ${what}`, () => {
    test('resolving and loading the set: a problem naming the file, no hang', BOUNDED, async () => {
      const dir = schemaDir(`domain-${what.replace(/\W+/g, '-')}`, 'domain.rng', make);
      const sync = resolveSchemaSet(dir);
      assert.equal(sync.set, undefined);
      assert.match(sync.problem ?? '', message);
      assert.match(sync.problem ?? '', /domain\.rng/);
      assert.match((await loadSchemaSet(dir)).problem ?? '', message);
      const findings = await lintLibvirtXml(DOMAIN, { schemaDir: dir, schemaThread: 'inline' });
      assert.ok(findings.some((f) => /Not validated against libvirt's schema/.test(f.message) && message.test(f.message)), JSON.stringify(findings));
    });
  });

  describe(`an included schema file (domaincommon.rng) that is ${what}`, () => {
    test('the async loader refuses the set; validation reads it through the checked reader and fails cleanly', BOUNDED, async () => {
      const dir = schemaDir(`common-${what.replace(/\W+/g, '-')}`, 'domaincommon.rng', make);
      const loaded = await loadSchemaSet(dir);
      assert.equal(loaded.set, undefined);
      assert.match(loaded.problem ?? '', message);
      assert.match(loaded.problem ?? '', /domaincommon\.rng/);
      // The sync resolution only checks domain.rng; libxml2 then meets the include (inline: this thread).
      assert.ok(resolveSchemaSet(dir).set);
      const findings = await lintLibvirtXml(DOMAIN, { schemaDir: dir, schemaThread: 'inline' });
      assert.ok(findings.some((f) => /Failed to load include .*domaincommon\.rng/.test(f.message)), JSON.stringify(findings));
    });
  });
}

test('the readers themselves: regular files only, bounded, FIFOs never block', BOUNDED, async () => {
  for (const [what, make, message] of HOSTILE) {
    const file = path.join(root, `reader-${what.replace(/\W+/g, '-')}`);
    make(file);
    assert.throws(() => schemaFileText(file), (e: unknown) => e instanceof SchemaFileError && message.test(e.message), what);
    await assert.rejects(readSchemaFile(file), (e: unknown) => e instanceof SchemaFileError && message.test(e.message), what);
  }
  const ok = path.join(root, 'ok.rng');
  writeFileSync(ok, '<grammar/>');
  assert.equal(schemaFileText(ok), '<grammar/>');
  assert.equal(await readSchemaFile(ok), '<grammar/>');
});

test('a schema set that is fine still validates (the checked reader serves libxml2 its includes)', async () => {
  const dir = schemaDir('fine');
  assert.ok((await loadSchemaSet(dir)).set);
  const findings = await lintLibvirtXml(DOMAIN, { schemaDir: dir, schemaThread: 'inline' });
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), [], JSON.stringify(findings));
  const bad = await lintLibvirtXml(DOMAIN.replace("type='kvm'", "type='nonsense'"), { schemaDir: dir, schemaThread: 'inline' });
  assert.ok(bad.some((f) => f.severity === 'error'), JSON.stringify(bad));
});
