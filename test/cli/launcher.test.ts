// dist/cli.js runs the CLI bundle from V8's code cache (src/cli/launcher.ts): the cache is written once, used after,
// rebuilt when it is not V8's, and never read from a directory someone else can write. Whatever happens to the
// cache, the output is the same, schema findings included (the bundle's dynamic import of libxml2 goes through
// the launcher).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const repo = path.join(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kvmnet-launcher-'));
const bad = path.join(work, 'bad.xml');
writeFileSync(bad, "<domain type='kvm'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices><interface type='bridge'><source bridge='br0'/><bogus/></interface></devices></domain>\n");

function lint(cacheHome: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, 'lint', bad], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...extra } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const cacheFiles = (home: string): string[] => (existsSync(path.join(home, 'kvmnet')) ? readdirSync(path.join(home, 'kvmnet')).filter((f) => f.endsWith('.v8cache')) : []);

test('the first run writes the cache (0600 in a 0700 directory); later runs start from it with the same output', () => {
  const home = path.join(work, 'a');
  const first = lint(home);
  assert.equal(first.status, 1, first.err);
  assert.match(first.out, /error schema-unexpected-element <bogus> is not allowed in <interface>/);
  const [file] = cacheFiles(home);
  assert.ok(file, 'a cache file');
  const p = path.join(home, 'kvmnet', file!);
  assert.equal(statSync(path.join(home, 'kvmnet')).mode & 0o777, 0o700);
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const before = statSync(p).mtimeMs;
  const second = lint(home);
  assert.deepEqual(second, first);
  assert.equal(statSync(p).mtimeMs, before, 'an accepted cache is not written again');
});

test('a cache V8 rejects (garbage) is rebuilt; the output is unchanged', () => {
  const home = path.join(work, 'b');
  const first = lint(home);
  const p = path.join(home, 'kvmnet', cacheFiles(home)[0]!);
  writeFileSync(p, Buffer.alloc(4096, 7));
  assert.deepEqual(lint(home), first);
  assert.notDeepEqual(readFileSync(p), Buffer.alloc(4096, 7), 'rebuilt');
});

test('a cache directory others can write is neither read nor written; KVMNET_COMPILE_CACHE=0 keeps none', () => {
  const home = path.join(work, 'c');
  mkdirSync(path.join(home, 'kvmnet'), { recursive: true });
  chmodSync(path.join(home, 'kvmnet'), 0o777);
  const r = lint(home);
  assert.match(r.out, /schema-unexpected-element/);
  assert.deepEqual(cacheFiles(home), []);
  const off = path.join(work, 'd');
  assert.match(lint(off, { KVMNET_COMPILE_CACHE: '0' }).out, /schema-unexpected-element/);
  assert.equal(existsSync(path.join(off, 'kvmnet')), false);
});
