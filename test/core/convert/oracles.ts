// Oracles for the converters: libvirt's schema and parser (virt-xml-validate, virsh), QEMU's parse check for produced arguments (qemu-system-x86_64 -S with no guest).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { qemuAccepts, type OracleResult } from '../qemu/qemuOracle';

export function requireLibvirtClients(): void {
  for (const tool of ['virt-xml-validate', 'virsh']) {
    assert.equal(spawnSync('sh', ['-c', `command -v ${tool}`]).status, 0, `${tool} is required for the converter tests: apt-get install libvirt-clients`);
  }
}

/** virt-xml-validate (schema) then libvirt's own parser without a daemon (virsh -c test:///default define). */
export function libvirtAccepts(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-convert-xml-'));
  try {
    const file = path.join(dir, 'domain.xml');
    writeFileSync(file, xml);
    const schema = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
    if (schema.status !== 0) return { ok: false, output: `schema: ${schema.stderr}${schema.stdout}` };
    const parser = spawnSync('virsh', ['-c', 'test:///default', 'define', file], { encoding: 'utf8' });
    return { ok: parser.status === 0, output: `virsh: ${parser.stderr}${parser.stdout}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * QEMU's parse check for produced network arguments, in `netns`: the netdev/NIC arguments together, then each
 * vfio-pci device alone, which parses and then stops at the host device that is not on this machine.
 */
export function qemuAcceptsNetArgs(args: readonly string[], redirects: readonly string[], prelude: readonly string[], netns: string): OracleResult {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-device' && /^vfio-pci,/.test(args[i + 1] ?? '')) {
      const r = qemuAccepts(['-device', args[i + 1]!], [], [], netns);
      if (!/no such host device/.test(r.stderr)) return r;
      i++;
    } else rest.push(args[i]!);
  }
  // Host addresses of forwards must exist in the namespace for QEMU to bind them.
  const addrs = [...new Set(rest.flatMap((a) => [...a.matchAll(/hostfwd=(?:tcp|udp)?:(\d+\.\d+\.\d+\.\d+):/g)].map((m) => m[1]!)))];
  const addAddrs = addrs.filter((a) => !a.startsWith('127.')).map((a) => `ip addr add ${a}/32 dev lo 2>/dev/null || true`);
  return qemuAccepts(rest, redirects, [...addAddrs, ...prelude], netns);
}
