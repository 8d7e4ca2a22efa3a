// Oracle: a private libvirtd reached over a real sshd on 127.0.0.1. A definition is read, defined back with an
// edit, and what libvirt stored is compared: a changed NIC model lands, an unknown element is dropped and reported,
// defaults libvirt filled in are reported, libvirt's own errors arrive verbatim.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { defineDefinition, DefinitionError, readDefinition, type DefinitionRef } from '../../../src/core/libvirt/definition';
import { identityProblem, storedDifferences } from '../../../src/core/libvirt/storedDiff';
import { startPrivateLibvirt, type PrivateLibvirt } from './libvirtd';

let lv: PrivateLibvirt;
let ref: DefinitionRef;
const options = () => ({ sshOptions: lv.sshd.clientOptions, controlDir: false as const, connectTimeoutSeconds: 10 });
const spec = () => parseHostSpec(lv.sshd.hostSpec);

before(async () => {
  lv = await startPrivateLibvirt();
  const file = path.join(lv.dir, 'd.xml');
  writeFileSync(
    file,
    `<domain type='qemu'><name>kvmnet-def</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><interface type='user'><mac address='52:54:00:de:00:01'/><model type='virtio'/></interface></devices></domain>`,
  );
  assert.equal(lv.virsh('define', file).status, 0);
  const uuid = lv.virsh('domuuid', 'kvmnet-def').output.trim();
  ref = { kind: 'domain', uuid, name: 'kvmnet-def' };
});
after(() => lv?.stop());

test('read, edit, define over ssh: the change is stored; a dropped element and filled-in defaults are reported where they were written', async () => {
  const stored = await readDefinition(spec(), ref, options());
  assert.match(stored, /<model type='virtio'\/>/);
  const edited = stored.replace("<model type='virtio'/>", "<model type='e1000'/>\n      <kvmnet-unknown flag='1'/>").replace('<interface type=\'user\'>', "<interface type='user' bogus='x'>");
  assert.equal(identityProblem(edited, ref), undefined);
  await defineDefinition(spec(), 'domain', edited, options());
  const after = await readDefinition(spec(), ref, options());
  assert.match(after, /<model type='e1000'\/>/);
  const report = storedDifferences(edited, after);
  const dropped = report.filter((f) => f.code === 'libvirt-dropped');
  assert.deepEqual(dropped.map((f) => f.message.split(':')[0]), ["libvirt dropped the attribute bogus='x' of <interface>", 'libvirt dropped <kvmnet-unknown> from <interface>']);
  const line = edited.split('\n').findIndex((l) => l.includes('kvmnet-unknown'));
  assert.equal(dropped[1]!.range.start.line, line);
  // Nothing else is reported as dropped or changed: libvirt's own output read back compares clean.
  assert.deepEqual(storedDifferences(after, after), []);
});

test("libvirt's refusal reaches the caller verbatim; a renamed or re-UUID'd definition is refused before anything runs", async () => {
  const stored = await readDefinition(spec(), ref, options());
  await assert.rejects(defineDefinition(spec(), 'domain', stored.replace("<memory unit='KiB'>", "<memory unit='parsecs'>"), options()), (e: unknown) => {
    assert.ok(e instanceof DefinitionError);
    assert.match(e.message, /unit|parsecs/i);
    return true;
  });
  assert.match(identityProblem(stored.replace('<name>kvmnet-def</name>', '<name>other</name>'), ref)!, /<name> must stay kvmnet-def/);
  assert.match(identityProblem(stored.replace(/<uuid>[^<]+<\/uuid>/, '<uuid>00000000-0000-0000-0000-000000000001</uuid>'), ref)!, /<uuid> must stay/);
  assert.throws(() => readDefinition(spec(), { ...ref, uuid: '--help' }, options()), /not a libvirt UUID/);
});
