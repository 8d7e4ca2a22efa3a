import path from 'node:path';
import type { NetworkDevice } from './edit';
import { isValidMac } from '../mac';
import { MACVTAP_MODES, NIC_MODELS, type MacvtapMode, type NetworkSpec, type NicModel } from './generate';
import { optionKind, qemuOptsOn, type LaunchScript, type QemuInvocation, type QemuOption } from './model';

/**
 * Reads a network device of a script back as the NetworkSpec that would generate it, so "Edit network device…"
 * can start from its current settings. Only literal values are read ($variables are left to the defaults);
 * settings that live outside the QEMU arguments (the tap's bridge, the macvtap's link and mode) are read from
 * the host lines the generator writes (`ip link set dev TAP master BR`, `ip link add link IF name MV type
 * macvtap mode M`, `qemu-ifup-BR`). The -netdev/-device pair and -nic read back fully, vfio-pci as its BDF;
 * a lone legacy `-net nic` has no backend to read (undefined).
 */
export function deviceSpec(script: LaunchScript, inv: QemuInvocation, device: NetworkDevice, scriptPath: string): NetworkSpec | undefined {
  const [first, second] = device.options;
  if (!first) return undefined;
  if (device.kind === 'vfio') {
    const bdf = literal(first, 'host');
    const id = literal(first, 'id');
    return bdf === undefined ? undefined : { mode: 'vfio', bdf, ...(id !== undefined ? { id } : {}) };
  }
  const nic = device.kind === 'netdev' ? second : device.kind === 'nic' ? first : undefined;
  const type = optionKind(first);
  const identity = {
    ...(device.kind === 'netdev' && literal(first, 'id') !== undefined ? { id: literal(first, 'id')! } : {}),
    ...nicSettings(nic, device.kind === 'nic' ? 'model' : 'driver'),
  };
  if (type === 'user') return { mode: 'user', ...identity, ...userSettings(first) };
  if (type !== 'tap') return undefined;
  const fd = literal(first, 'fd');
  const vhost = qemuOptsOn(literal(first, 'vhost')) ? { vhost: true } : {};
  if (fd !== undefined && /^\d$/.test(fd)) return { mode: 'macvtap', ...identity, ...macvtapSettings(script, inv, Number(fd)), fd: Number(fd), ...vhost };
  return { mode: 'tap', ...identity, ...tapSettings(script, first, scriptPath), ...vhost };
}

function literal(o: QemuOption, key: string): string | undefined {
  const p = o.props.find((x) => x.key === key);
  return p && !p.dynamic ? p.value : undefined;
}

function nicSettings(nic: QemuOption | undefined, modelKey: string): { model?: NicModel; mac?: string } {
  if (!nic) return {};
  const raw = literal(nic, modelKey);
  const model = raw === 'virtio' ? 'virtio-net-pci' : raw;
  const mac = literal(nic, 'mac') ?? literal(nic, 'macaddr');
  return {
    ...(model !== undefined && (NIC_MODELS as readonly string[]).includes(model) ? { model: model as NicModel } : {}),
    ...(mac !== undefined && isValidMac(mac) ? { mac: mac.toLowerCase() } : {}),
  };
}

function userSettings(o: QemuOption): { hostfwd?: string[]; restrict?: boolean; net?: string; host?: string; dns?: string } {
  const hostfwd = o.props.filter((p) => p.key === 'hostfwd' && !p.dynamic).map((p) => p.value);
  const out: { hostfwd?: string[]; restrict?: boolean; net?: string; host?: string; dns?: string } = {};
  if (hostfwd.length > 0) out.hostfwd = hostfwd;
  if (qemuOptsOn(literal(o, 'restrict'))) out.restrict = true;
  for (const key of ['net', 'host', 'dns'] as const) {
    const v = literal(o, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Literal words of the script's `ip …` commands (host steps), for bridge and macvtap settings. */
function ipCommands(script: LaunchScript): string[][] {
  return script.shell.commands
    .map((c) => c.words.map((w) => (w.dynamic.length === 0 ? w.value : '')))
    .filter((w) => w[0] === 'ip' && w[1] === 'link');
}

/** The word after `key`, looking from the third word on (past `ip link`, which has its own `link` word). */
function after(words: readonly string[], key: string): string | undefined {
  const i = words.indexOf(key, 3);
  return i >= 0 ? words[i + 1] : undefined;
}

function tapSettings(script: LaunchScript, o: QemuOption, scriptPath: string): { bridge?: string; ifname?: string; script?: string } {
  const ifname = literal(o, 'ifname');
  const up = literal(o, 'script');
  const out: { bridge?: string; ifname?: string; script?: string } = {};
  if (ifname !== undefined) out.ifname = ifname;
  // The generator's helper scripts: <dir>/qemu-ifup-BR with <dir>/qemu-ifdown-BR.
  const generated = up !== undefined ? /^qemu-ifup-([A-Za-z0-9_.:-]{1,15})$/.exec(path.basename(up)) : null;
  if (generated && path.dirname(up!) === path.dirname(scriptPath) && literal(o, 'downscript') === path.join(path.dirname(up!), `qemu-ifdown-${generated[1]}`)) {
    return { ...out, script: 'generate', bridge: generated[1]! };
  }
  if (up !== undefined) out.script = up;
  if (ifname !== undefined) {
    const master = ipCommands(script).find((w) => w[2] === 'set' && w.includes(ifname) && w.includes('master'));
    const bridge = master && after(master, 'master');
    if (bridge) out.bridge = bridge;
  }
  return out;
}

function macvtapSettings(script: LaunchScript, inv: QemuInvocation, fd: number): { link: string; name?: string; macvtapMode?: MacvtapMode } {
  // The generator opens /dev/tap$(cat /sys/class/net/NAME/ifindex) on the fd: NAME is the macvtap.
  const redirect = inv.command.redirects.find((r) => r.fd === fd);
  const name = redirect ? /\/sys\/class\/net\/([A-Za-z0-9_.:-]{1,15})\/ifindex/.exec(script.shell.text.slice(redirect.start, redirect.end))?.[1] : undefined;
  const creates = ipCommands(script).filter((w) => w[2] === 'add' && after(w, 'type') === 'macvtap');
  const create = name !== undefined ? creates.find((w) => after(w, 'name') === name) : creates.length === 1 ? creates[0] : undefined;
  const mode = create && after(create, 'mode');
  return {
    // No creating line: the link is unknown, the caller asks for it.
    link: (create && after(create, 'link')) ?? '',
    ...(name !== undefined ? { name } : create && after(create, 'name') ? { name: after(create, 'name')! } : {}),
    ...(mode && (MACVTAP_MODES as readonly string[]).includes(mode) ? { macvtapMode: mode as MacvtapMode } : {}),
  };
}
