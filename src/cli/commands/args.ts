import path from 'node:path';
import {
  generate,
  MACVTAP_MODES,
  NIC_MODELS,
  SOCKET_KINDS,
  SpecError,
  type Generated,
  type MacvtapMode,
  type NetworkSpec,
  type NicModel,
} from '../../core/qemu/generate';
import { shellQuote } from '../../core/util/shellQuote';
import { ExitCode, flag, listOption, numberOption, stringOption, UsageError, type CommandSpec, type ParsedArgs } from '../command';

/** Which options each mode accepts; any other given option is a usage error. */
const MODE_OPTIONS: Record<NetworkSpec['mode'], readonly string[]> = {
  user: ['id', 'model', 'mac', 'hostfwd', 'restrict', 'net', 'host', 'dns'],
  tap: ['id', 'model', 'mac', 'bridge', 'ifname', 'script', 'vhost'],
  macvtap: ['id', 'model', 'mac', 'link', 'name', 'macvtap-mode', 'fd', 'vhost'],
  vfio: ['id', 'bdf'],
  socket: ['id', 'model', 'mac', 'listen', 'connect', 'mcast', 'udp', 'localaddr'],
  'vhost-user': ['id', 'model', 'mac', 'path', 'server', 'queues'],
  vdpa: ['id', 'model', 'mac', 'vhostdev', 'queues'],
};
const COMMON = ['legacy', 'script-path', 'args-only'];
const MODE_ALIASES: Record<string, NetworkSpec['mode']> = {
  user: 'user',
  tap: 'tap',
  bridge: 'tap',
  macvtap: 'macvtap',
  vfio: 'vfio',
  passthrough: 'vfio',
  socket: 'socket',
  'vhost-user': 'vhost-user',
  vdpa: 'vdpa',
};

function queuesOption(args: ParsedArgs): { queues?: number } {
  const queues = numberOption(args, 'queues');
  return queues === undefined ? {} : { queues };
}

function toSpec(mode: NetworkSpec['mode'], args: ParsedArgs): NetworkSpec {
  const s = (name: string): string | undefined => stringOption(args, name);
  const nic = {
    ...(s('id') !== undefined ? { id: s('id') } : {}),
    ...(s('model') !== undefined ? { model: s('model') as NicModel } : {}),
    ...(s('mac') !== undefined ? { mac: s('mac') } : {}),
  };
  switch (mode) {
    case 'user':
      return {
        mode,
        ...nic,
        hostfwd: listOption(args, 'hostfwd'),
        restrict: flag(args, 'restrict'),
        ...(s('net') !== undefined ? { net: s('net') } : {}),
        ...(s('host') !== undefined ? { host: s('host') } : {}),
        ...(s('dns') !== undefined ? { dns: s('dns') } : {}),
      };
    case 'tap':
      return {
        mode,
        ...nic,
        vhost: flag(args, 'vhost'),
        ...(s('bridge') !== undefined ? { bridge: s('bridge') } : {}),
        ...(s('ifname') !== undefined ? { ifname: s('ifname') } : {}),
        ...(s('script') !== undefined ? { script: s('script') } : {}),
      };
    case 'macvtap': {
      const link = s('link');
      if (!link) throw new UsageError('macvtap needs --link IF (the host interface the macvtap sits on)');
      const fd = numberOption(args, 'fd');
      return {
        mode,
        ...nic,
        link,
        vhost: flag(args, 'vhost'),
        ...(s('name') !== undefined ? { name: s('name') } : {}),
        ...(s('macvtap-mode') !== undefined ? { macvtapMode: s('macvtap-mode') as MacvtapMode } : {}),
        ...(fd !== undefined ? { fd } : {}),
      };
    }
    case 'vfio': {
      const bdf = s('bdf') ?? args.positionals[1];
      if (!bdf) throw new UsageError('vfio needs --bdf BDF (a PCI address such as 0000:03:00.0)');
      return { mode, bdf, ...(s('id') !== undefined ? { id: s('id') } : {}) };
    }
    case 'socket': {
      const given = SOCKET_KINDS.filter((k) => s(k) !== undefined);
      if (given.length !== 1) throw new UsageError(`socket needs exactly one of ${SOCKET_KINDS.map((k) => `--${k}`).join(', ')} (HOST:PORT)`);
      const kind = given[0]!;
      return { mode, ...nic, kind, address: s(kind)!, ...(s('localaddr') !== undefined ? { local: s('localaddr') } : {}) };
    }
    case 'vhost-user': {
      const socketPath = s('path');
      if (!socketPath) throw new UsageError('vhost-user needs --path SOCKET (the backend\'s unix socket)');
      return { mode, ...nic, path: socketPath, server: flag(args, 'server'), ...queuesOption(args) };
    }
    case 'vdpa': {
      const device = s('vhostdev');
      if (!device) throw new UsageError('vdpa needs --vhostdev /dev/vhost-vdpa-N');
      return { mode, ...nic, device, ...queuesOption(args) };
    }
  }
}

/**
 * Shell that creates a helper script only where nothing is yet, as the editor commands do: never over an
 * existing file, never through a symlink (noclobber makes the create exclusive), chmod only after our own create.
 */
export function helperFileShell(file: string, content: string): string[] {
  const p = shellQuote(file);
  return [
    `if [ -e ${p} ] || [ -L ${p} ]; then`,
    `  echo ${shellQuote(`${file} already exists: left as it is (compare it with the one kvmnet generates)`)} >&2`,
    'else',
    `  (set -C; cat > ${p}) <<'EOF' && chmod +x ${p}`,
    content.replace(/\n$/, ''),
    'EOF',
    'fi',
  ];
}

/** The printed form: host steps and helper files first (as shell), then one line of quoted arguments. */
export function formatGenerated(g: Generated, argsOnly: boolean): string {
  const line = [...g.args.map(shellQuote), ...g.redirects].join(' ');
  if (argsOnly) return `${line}\n`;
  const out: string[] = [...g.prelude];
  for (const f of g.files) out.push(...helperFileShell(f.path, f.content));
  out.push(line);
  return `${out.join('\n')}\n`;
}

export const argsCommand: CommandSpec = {
  name: 'args',
  summary: 'print QEMU network arguments for a mode (user, tap, macvtap, vfio, socket, vhost-user, vdpa)',
  usage: 'kvmnet args MODE [options]',
  help: `Print shell-quoted QEMU network arguments for MODE on stdout: modern
-netdev/-device syntax (legacy -net only with --legacy). Host preparation
(commands and comments) is printed before the argument line unless --args-only.

Modes:
  user      user-mode (slirp) networking, NAT through the host, port forwards
  tap       a tap interface on a host bridge (alias: bridge)
  macvtap   a macvtap on a host interface, passed to QEMU as a file descriptor
  vfio      PCI passthrough of a host device with vfio-pci (alias: passthrough)
  socket    a link to another QEMU over a TCP, multicast or UDP socket
  vhost-user
            a virtio NIC served by a vhost-user backend (OVS-DPDK, VPP)
  vdpa      a virtio NIC on a vDPA device (/dev/vhost-vdpa-N)

Options (all modes):
  --id ID               netdev/device id (default: net0, net1 … / hostdev0 …)
  --legacy              emit -net nic … -net … (hub) forms; user, tap, macvtap,
                        socket
  --script-path PATH    the launch script the arguments are for; MACs are derived
                        from it and the id, so they stay the same on every run
                        (default: ./launch-vm.sh)
  --args-only           print only the argument line

NIC options (every mode but vfio):
  --model M             ${NIC_MODELS.join(', ')}
                        (default virtio-net-pci; vhost-user and vdpa: virtio only)
  --mac MAC             guest MAC (default: stable 52:54:00:xx:xx:xx)

user:
  --hostfwd RULE        forward a host port: HOSTPORT:GUESTPORT, udp:HOSTPORT:GUESTPORT
                        or QEMU's [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT
                        (repeatable)
  --restrict            isolate the guest from the host's network (restrict=on)
  --net CIDR            guest network (default 10.0.2.0/24)
  --host IP             the host's address as seen by the guest (default 10.0.2.2)
  --dns IP              the built-in DNS server's address (default 10.0.2.3)

tap:
  --bridge BR           host bridge to join (default br0)
  --ifname IF           tap interface name (default tap-ID)
  --script no|generate|PATH
                        no (default): the tap is created and bridged before QEMU
                        starts; generate: write qemu-ifup-BR/qemu-ifdown-BR (using
                        ip) beside the script; PATH: an existing qemu-ifup script
  --vhost               vhost=on (needs /dev/vhost-net and a virtio NIC)

macvtap:
  --link IF             host interface the macvtap sits on (required)
  --name NAME           macvtap interface name (default macvtap-ID)
  --macvtap-mode MODE   ${MACVTAP_MODES.join(', ')} (default bridge)
  --fd N                file descriptor QEMU gets the tap on, 3..9 (default 3)
  --vhost               vhost=on

vfio:
  --bdf BDF             host PCI address, e.g. 0000:03:00.0 (or give it after MODE)

socket (exactly one of --listen, --connect, --mcast, --udp):
  --listen [HOST]:PORT  wait for another QEMU's --connect (libvirt type='server')
  --connect HOST:PORT   join a QEMU that listens there (libvirt type='client')
  --mcast GROUP:PORT    a hub over an IPv4 multicast group (libvirt type='mcast')
  --udp HOST:PORT       send frames to a UDP peer (libvirt type='udp'); needs
                        --localaddr HOST:PORT
  --localaddr A         udp: the local HOST:PORT; mcast: the local interface's IPv4

vhost-user:
  --path SOCKET         the backend's unix socket (required)
  --server              QEMU listens on SOCKET and the backend connects
                        (default: the backend listens, QEMU connects)
  --queues N            queue pairs (multiqueue: mq=on on the NIC)

vdpa:
  --vhostdev DEV        the vDPA device, /dev/vhost-vdpa-N (required)
  --queues N            queue pairs

Examples:
  kvmnet args user --hostfwd 2222:22
  kvmnet args tap --bridge br0 --script generate --vhost
  kvmnet args macvtap --link eth0 --macvtap-mode bridge
  kvmnet args vfio 0000:03:00.0
  kvmnet args socket --listen :1234
  kvmnet args vhost-user --path /var/run/openvswitch/vhu0

Exit status: 0 printed, 2 usage error (unknown mode or option, bad value).`,
  options: {
    id: { type: 'string' },
    legacy: { type: 'boolean' },
    'script-path': { type: 'string' },
    'args-only': { type: 'boolean' },
    model: { type: 'string' },
    mac: { type: 'string' },
    hostfwd: { type: 'string', multiple: true },
    restrict: { type: 'boolean' },
    net: { type: 'string' },
    host: { type: 'string' },
    dns: { type: 'string' },
    bridge: { type: 'string' },
    ifname: { type: 'string' },
    script: { type: 'string' },
    vhost: { type: 'boolean' },
    link: { type: 'string' },
    name: { type: 'string' },
    'macvtap-mode': { type: 'string' },
    fd: { type: 'string' },
    bdf: { type: 'string' },
    listen: { type: 'string' },
    connect: { type: 'string' },
    mcast: { type: 'string' },
    udp: { type: 'string' },
    localaddr: { type: 'string' },
    path: { type: 'string' },
    server: { type: 'boolean' },
    queues: { type: 'string' },
    vhostdev: { type: 'string' },
  },
  async run(args, io) {
    const [modeName, ...extra] = args.positionals;
    if (modeName === undefined) throw new UsageError(`no MODE given (one of ${Object.keys(MODE_OPTIONS).join(', ')})`);
    const mode = MODE_ALIASES[modeName];
    if (!mode) throw new UsageError(`unknown mode '${modeName}' (one of ${Object.keys(MODE_OPTIONS).join(', ')})`);
    if (extra.length > (mode === 'vfio' && stringOption(args, 'bdf') === undefined ? 1 : 0)) {
      throw new UsageError(`unexpected argument '${extra.at(-1)}'`);
    }
    const allowed = new Set([...MODE_OPTIONS[mode], ...COMMON]);
    for (const [key, value] of Object.entries(args.values)) {
      if (value !== undefined && !allowed.has(key)) throw new UsageError(`--${key} does not apply to mode ${mode}`);
    }
    const scriptPath = path.resolve(io.cwd, stringOption(args, 'script-path') ?? 'launch-vm.sh');
    try {
      const generated = generate(toSpec(mode, args), { scriptPath, legacy: flag(args, 'legacy') });
      io.out(formatGenerated(generated, flag(args, 'args-only')));
      return ExitCode.Ok;
    } catch (e) {
      if (e instanceof SpecError) throw new UsageError(e.message);
      throw e;
    }
  },
};
