// Oracles for the converters: libvirt's schema and parser (virt-xml-validate, virsh), QEMU's parse check for produced arguments (qemu-system-x86_64 -S with no guest).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellQuote } from '../../../src/core/util/shellQuote';
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

const VHOST_USER_BACKEND = path.resolve(__dirname, '../../support/vhost-user-backend.mjs');

/**
 * Shell lines that start a vhost-user backend for each vhost-user chardev of `args` (QEMU waits for one before
 * it reaches -S): the backend connects to a chardev QEMU serves (server=on), or listens where QEMU connects.
 */
function vhostUserBackends(args: readonly string[]): string[] {
  const netdevChardevs = new Set(args.flatMap((a, i) => (args[i - 1] === '-netdev' && a.startsWith('vhost-user,') ? [/(?:^|,)chardev=([^,]+)/.exec(a)?.[1] ?? ''] : [])));
  // The backends' output would hold the oracle's pipes open; they go when the check's shell exits.
  const lines: string[] = ["trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"];
  args.forEach((a, i) => {
    if (args[i - 1] !== '-chardev' || !netdevChardevs.has(/(?:^|,)id=([^,]+)/.exec(a)?.[1] ?? '\0')) return;
    const socket = shellQuote(/(?:^|,)path=([^,]+)/.exec(a)?.[1] ?? '');
    if (/(?:^|,)server=on/.test(a)) lines.push(`node ${shellQuote(VHOST_USER_BACKEND)} --connect ${socket} </dev/null >/dev/null 2>&1 &`);
    // A socket file left by an earlier check would end the wait before the backend listens.
    else lines.push(`rm -f ${socket}`, `node ${shellQuote(VHOST_USER_BACKEND)} --listen ${socket} </dev/null >/dev/null 2>&1 &`, `for _ in $(seq 100); do [ -S ${socket} ] && break; sleep 0.05; done`);
  });
  return lines.length > 1 ? lines : [];
}

/** Host devices QEMU opens when it starts: checked alone, where "not on this machine" is the expected end. */
const HOST_DEVICE = [
  { arg: /^vfio-pci,/, option: '-device', missing: /no such host device/ },
  { arg: /^vhost-vdpa,/, option: '-netdev', missing: /Could not open '\/dev\/vhost-vdpa-\d+': No such file/ },
];

/**
 * QEMU's parse check for produced network arguments, in `netns`: the netdev/NIC arguments together (with a
 * vhost-user backend on each vhost-user socket), then each vfio-pci device and vDPA netdev alone, which parses
 * and then stops at the host device that is not on this machine (its NIC is checked on a user netdev).
 */
export function qemuAcceptsNetArgs(args: readonly string[], redirects: readonly string[], prelude: readonly string[], netns: string): OracleResult {
  const rest: string[] = [];
  const hostNetdevs = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const dev = HOST_DEVICE.find((d) => args[i] === d.option && d.arg.test(args[i + 1] ?? ''));
    if (dev) {
      const r = qemuAccepts([dev.option, args[i + 1]!], [], [], netns);
      if (!dev.missing.test(r.stderr)) return r;
      if (dev.option === '-netdev') hostNetdevs.add(/(?:^|,)id=([^,]+)/.exec(args[i + 1]!)?.[1] ?? '');
      i++;
    } else rest.push(args[i]!);
  }
  for (const id of hostNetdevs) rest.push('-netdev', `user,id=${id}`);
  // Host addresses QEMU binds (forwards, socket listen/local addresses) or connects to must exist in the namespace.
  const addrs = [...new Set(rest.flatMap((a) => [...a.matchAll(/(?:hostfwd=(?:tcp|udp)?:|(?:listen|connect|localaddr|udp)=)(\d+\.\d+\.\d+\.\d+)(?=[:,]|$)/g)].map((m) => m[1]!)))];
  const addAddrs = addrs.filter((a) => !a.startsWith('127.')).map((a) => `ip addr add ${a}/32 dev lo 2>/dev/null || true`);
  return qemuAccepts(rest, redirects, [...addAddrs, ...vhostUserBackends(rest), ...prelude], netns);
}
