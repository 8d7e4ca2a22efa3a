// Round trip (#16 part 4): random network specs → a launch script (the project's generators and template) →
// libvirt domain XML → QEMU arguments again. Every network device keeps its meaning: backend, NIC model, MAC,
// port forwards, vhost, where a tap is attached (bridge or script), a macvtap's link and mode, PCI host
// addresses, a socket's addresses, a vhost-user socket and side, a vDPA device, queue pairs. Everything
// generated maps, so neither direction may report a "not translated" warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { untranslated } from '../../../src/core/convert/model';
import { netFacts } from '../../../src/core/convert/netFacts';
import { scriptToDomain } from '../../../src/core/convert/scriptToXml';
import { domainToArgs } from '../../../src/core/convert/xmlToArgs';
import { launchScriptTemplate } from '../../../src/core/qemu/edit';
import { generate, MACVTAP_MODES, NIC_MODELS, type NetworkSpec } from '../../../src/core/qemu/generate';

const SCRIPT = '/lab/vm.sh';
const byte = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, '0'));
const mac = fc.tuple(byte, byte, byte).map((b) => `52:54:00:${b.join(':')}`);
const nic = { model: fc.constantFrom(...NIC_MODELS), mac: fc.option(mac, { nil: undefined }) };
const octet = fc.integer({ min: 0, max: 255 });
const net24 = fc.tuple(fc.integer({ min: 1, max: 223 }), octet, octet).map(([a, b, c]) => `${a}.${b}.${c}.0/24`);
/** QEMU's forwards libvirt can hold: to the guest's one address (passt has no other). */
const forward = fc
  .record({ proto: fc.constantFrom('tcp', 'udp', ''), host: fc.constantFrom('', '127.0.0.1', '0.0.0.0'), hostPort: fc.integer({ min: 1, max: 65535 }), guest: fc.constantFrom('', '10.0.2.15'), guestPort: fc.integer({ min: 1, max: 65535 }) })
  .map((f) => `${f.proto}:${f.host}:${f.hostPort}-${f.guest}:${f.guestPort}`);

/** vhost-net serves virtio NICs only: on another model it means nothing (the converter says so and drops it). */
function virtioOnlyVhost<S extends { model: string; vhost: boolean }>(s: S): S {
  return { ...s, vhost: s.vhost && s.model === 'virtio-net-pci' };
}

const userSpec = fc.record({ mode: fc.constant('user' as const), ...nic, hostfwd: fc.array(forward, { maxLength: 3 }), net: fc.option(net24, { nil: undefined }) });
const tapSpec = fc.record({
  mode: fc.constant('tap' as const),
  ...nic,
  bridge: fc.option(fc.constantFrom('br0', 'br1', 'virbr9'), { nil: undefined }),
  script: fc.constantFrom('no', 'generate', '/etc/qemu-ifup'),
  vhost: fc.boolean(),
}).map(virtioOnlyVhost);
const macvtapSpec = fc.record({ mode: fc.constant('macvtap' as const), ...nic, link: fc.constantFrom('eth0', 'enp3s0f1'), macvtapMode: fc.constantFrom(...MACVTAP_MODES), vhost: fc.boolean() }).map(virtioOnlyVhost);
const vfioSpec = fc
  .tuple(fc.constantFrom('0000', '0001'), byte, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 7 }))
  .map(([d, b, s, f]): NetworkSpec => ({ mode: 'vfio', bdf: `${d}:${b}:${s.toString(16).padStart(2, '0')}.${f}` }));

const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), octet, octet, fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const port = fc.integer({ min: 1, max: 65535 });
const group = fc.tuple(fc.integer({ min: 224, max: 239 }), octet, octet, octet).map((p) => p.join('.'));
/** libvirt holds a socket's IPv4 addresses (no host names) and a local end for udp only. */
const socketSpec = fc.oneof(
  fc.record({ mode: fc.constant('socket' as const), ...nic, kind: fc.constant('listen' as const), address: fc.tuple(fc.option(ipv4, { nil: '' }), port).map(([h, p]) => `${h}:${p}`) }),
  fc.record({ mode: fc.constant('socket' as const), ...nic, kind: fc.constant('connect' as const), address: fc.tuple(ipv4, port).map(([h, p]) => `${h}:${p}`) }),
  fc.record({ mode: fc.constant('socket' as const), ...nic, kind: fc.constant('mcast' as const), address: fc.tuple(group, port).map(([h, p]) => `${h}:${p}`) }),
  fc.record({ mode: fc.constant('socket' as const), ...nic, kind: fc.constant('udp' as const), address: fc.tuple(ipv4, port).map(([h, p]) => `${h}:${p}`), local: fc.tuple(ipv4, port).map(([h, p]) => `${h}:${p}`) }),
);
const virtioNic = { model: fc.constant('virtio-net-pci' as const), mac: fc.option(mac, { nil: undefined }) };
const queues = fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined });
const vhostUserSpec = fc
  .record({ mode: fc.constant('vhost-user' as const), ...virtioNic, path: fc.constantFrom('/run/vhu0.sock', '/var/run/openvswitch/vhu1', '/tmp/v p.sock'), server: fc.boolean(), queues, reconnect: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) })
  .map((s) => (s.server ? { ...s, reconnect: undefined } : s));
const vdpaSpec = fc.record({ mode: fc.constant('vdpa' as const), ...virtioNic, device: fc.integer({ min: 0, max: 9 }).map((n) => `/dev/vhost-vdpa-${n}`), queues });

/** Drops what the generators' own tests cover as errors, not meaning: one MAC, forward port or host device used twice. */
function distinct(specs: NetworkSpec[]): NetworkSpec[] {
  const macs = new Set<string>();
  const ports = new Set<string>();
  const bdfs = new Set<string>();
  let fd = 3;
  return specs.flatMap((s): NetworkSpec[] => {
    if (s.mode === 'vfio') return bdfs.has(s.bdf) ? [] : (bdfs.add(s.bdf), [s]);
    const m = s.mac;
    const own = m === undefined || !macs.has(m) ? s : { ...s, mac: undefined };
    if (m) macs.add(m);
    if (own.mode === 'macvtap') return [{ ...own, fd: fd++ }];
    if (own.mode !== 'user') return [own];
    const hostfwd = (own.hostfwd ?? []).filter((r) => {
      const [proto, , rest] = r.split(':');
      const key = `${proto || 'tcp'}:${rest!.split('-')[0]}`;
      return !ports.has(key) && (ports.add(key), true);
    });
    return [{ ...own, hostfwd }];
  });
}

const specs = fc.array(fc.oneof(userSpec, tapSpec, macvtapSpec, vfioSpec, socketSpec, vhostUserSpec, vdpaSpec), { minLength: 1, maxLength: 5 }).map(distinct);

function script(list: readonly NetworkSpec[]): { text: string; args: string[]; prelude: string[]; redirects: string[] } {
  const ids = new Set<string>();
  const macs = new Set<string>();
  const args: string[] = [];
  const prelude: string[] = [];
  const redirects: string[] = [];
  for (const s of list) {
    const g = generate(s, { scriptPath: SCRIPT, existingIds: ids, existingMacs: macs });
    ids.add(g.id);
    if (g.mac) macs.add(g.mac);
    args.push(...g.args);
    prelude.push(...g.prelude);
    redirects.push(...g.redirects);
  }
  return { text: launchScriptTemplate(args, redirects, prelude), args, prelude, redirects };
}

/**
 * What a generated invocation means for the network: netFacts (backend, model, MAC, forwards, host addresses)
 * and, per -netdev tap, vhost and what the tap is attached to (read from the host steps the generators write), per
 * -netdev user its guest network.
 */
function meaning(args: readonly string[], prelude: readonly string[], redirects: readonly string[]): unknown {
  const steps = prelude.join('\n');
  const taps = args
    .filter((a, i) => args[i - 1] === '-netdev' && a.startsWith('tap,'))
    .map((a) => {
      const p = new Map(a.split(',').slice(1).map((kv) => kv.split('=') as [string, string]));
      const vhost = p.get('vhost') === 'on';
      const fd = p.get('fd');
      if (fd !== undefined) {
        const name = new RegExp(`(?:^| )${fd}<>/dev/tap\\$\\(cat /sys/class/net/([^/]+)/ifindex\\)`).exec(redirects.join(' '))?.[1];
        const link = new RegExp(`ip link add link (\\S+) name ${name} type macvtap mode (\\S+)`).exec(steps);
        return { vhost, macvtap: link ? `${link[1]} ${link[2]}` : `? fd ${fd}` };
      }
      const ifname = p.get('ifname');
      const up = p.get('script') ?? '/etc/qemu-ifup';
      const bridge = up === 'no' ? new RegExp(`ip link set dev ${ifname} master (\\S+) up`).exec(steps)?.[1] : /\/qemu-ifup-([^/]+)$/.exec(up)?.[1];
      return { vhost, attached: bridge ? `bridge ${bridge}` : `script ${up}` };
    });
  const facts = netFacts(args);
  // Without any network option QEMU adds its default NIC: part of what the script means.
  const implicit = !args.some((a) => ['-netdev', '-nic', '-net'].includes(a));
  const userNets = args.filter((a, i) => args[i - 1] === '-netdev' && a.startsWith('user,')).map((a) => /,net=([^,]*)/.exec(a)?.[1] ?? 'default');
  // Queue pairs of vhost-user and vDPA NICs, and a vhost-user client's reconnect interval.
  const queues = args.filter((a, i) => args[i - 1] === '-netdev' && /^vhost-(?:user|vdpa),/.test(a)).map((a) => /,queues=(\d+)/.exec(a)?.[1] ?? '1');
  const reconnects = args.filter((a, i) => args[i - 1] === '-chardev').map((a) => /,reconnect=(\d+)/.exec(a)?.[1] ?? '0');
  return { ...facts, nics: implicit ? [{ backend: 'user', model: 'e1000', mac: '52:54:00:12:34:56', forwards: [] }] : facts.nics, taps, userNets: implicit ? ['default'] : userNets, queues, reconnects };
}

test('property: script → domain XML → arguments keeps every network device\'s meaning, with nothing untranslated', () => {
  fc.assert(
    fc.property(specs, (list) => {
      const s = script(list);
      const xml = scriptToDomain(s.text, { scriptPath: SCRIPT });
      assert.deepEqual(untranslated(xml.notes).map((n) => n.message), [], `script → XML:\n${s.text}\n${xml.xml}`);
      const back = domainToArgs(xml.xml, { scriptPath: SCRIPT });
      assert.deepEqual(untranslated(back.notes).map((n) => n.message), [], `XML → arguments:\n${xml.xml}`);
      assert.deepEqual(meaning(back.args, back.prelude, back.redirects), meaning(s.args, s.prelude, s.redirects), `${s.text}\n${xml.xml}\n${back.text}`);
    }),
    { numRuns: 300 },
  );
});

test('two macvtaps of one domain get their own shell fds', () => {
  const s = script([{ mode: 'macvtap', link: 'eth0', fd: 3 }, { mode: 'macvtap', link: 'eth1', fd: 4 }]);
  const back = domainToArgs(scriptToDomain(s.text, { scriptPath: SCRIPT }).xml, { scriptPath: SCRIPT });
  assert.deepEqual(back.args.filter((a) => a.includes('fd=')).map((a) => /fd=(\d)/.exec(a)![1]), ['3', '4']);
  assert.equal(back.redirects.length, 2);
  assert.deepEqual(back.redirects.map((r) => r[0]), ['3', '4']);
});
