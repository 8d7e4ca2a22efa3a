import * as vscode from 'vscode';
import type { HostSnapshot } from '../../core/hostSnapshot';
import {
  MACVTAP_MODES,
  NIC_MODELS,
  normalizeHostfwd,
  SpecError,
  type MacvtapMode,
  type NetworkSpec,
  type NicModel,
} from '../../core/qemu/generate';
import { isMulticastMac, isValidMac } from '../../core/mac';
import { invalidBdfMessage, parseBdf } from '../../core/pci/bdf';
import { hostSnapshots } from '../hosts';

/** Quick-pick flows that ask only what each mode needs, each question with a default. undefined = cancelled. */

interface Item<T> extends vscode.QuickPickItem {
  readonly value: T;
}

async function pick<T>(title: string, items: Item<T>[]): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.value;
}

async function ask(title: string, value: string, prompt: string, validate?: (v: string) => string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    value,
    prompt,
    ignoreFocusOut: true,
    ...(validate ? { validateInput: (v: string) => validate(v.trim()) } : {}),
  });
}

function validIfname(v: string): string | undefined {
  return /^[A-Za-z0-9_.:-]{1,15}$/.test(v) ? undefined : 'An interface name: 1–15 letters, digits, _ . : -';
}

function specError(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof SpecError ? e.message : String(e);
  }
}

export function validateHostfwds(v: string): string | undefined {
  const rules = splitList(v);
  for (const r of rules) {
    const why = specError(() => normalizeHostfwd(r));
    if (why) return why;
  }
  return undefined;
}

function splitList(v: string): string[] {
  return v.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** The item with the current value first (Enter keeps it), marked as current. */
function currentFirst<T>(items: Item<T>[], current: T | undefined): Item<T>[] {
  const i = current === undefined ? -1 : items.findIndex((x) => x.value === current);
  if (i < 0) return items;
  const cur = items[i]!;
  return [{ ...cur, description: cur.description ? `current · ${cur.description}` : 'current' }, ...items.filter((_, k) => k !== i)];
}

async function pickModel(current?: NicModel): Promise<NicModel | undefined> {
  return pick<NicModel>(
    'Guest NIC model',
    currentFirst(NIC_MODELS.map((m, i) => ({ label: m, value: m, ...(i === 0 ? { description: 'default, fastest (guest needs virtio drivers)' } : {}) })), current),
  );
}

function validMac(v: string): string | undefined {
  if (!isValidMac(v)) return 'Six hex pairs separated by ":", e.g. 52:54:00:12:ab:cd';
  return isMulticastMac(v) ? 'A multicast MAC (odd first octet) cannot be a NIC address' : undefined;
}

export async function askPortForwards(title: string, initial = '2222:22'): Promise<string[] | undefined> {
  const v = await ask(title, initial, 'HOSTPORT:GUESTPORT, udp:HOSTPORT:GUESTPORT or tcp:HOSTADDR:HOSTPORT-:GUESTPORT; several separated by spaces', validateHostfwds);
  return v === undefined ? undefined : splitList(v);
}

/** Network PCI functions of this machine, only when the Devices view has already discovered it (no new discovery). */
function knownLocalNics(): HostSnapshot['devices'] {
  const s = hostSnapshots.peek('local');
  return s?.state === 'done' ? s.snapshot.devices.filter((d) => d.classCode.startsWith('02')) : [];
}

export async function askBdf(current?: string): Promise<string | undefined> {
  const known = knownLocalNics();
  if (known.length > 0) {
    const chosen = await pick<string | null>('PCI device to pass through', [
      ...currentFirst<string | null>(
        known.map((d) => ({ label: d.bdf, description: [d.vendorName, d.deviceName].filter(Boolean).join(' '), detail: d.driver ? `driver: ${d.driver}` : undefined, value: d.bdf as string })),
        current,
      ),
      { label: 'Type a PCI address…', value: null },
    ]);
    if (chosen === undefined) return undefined;
    if (chosen !== null) return chosen;
  }
  const v = await ask('PCI device to pass through', current ?? '', 'Host PCI address [DOMAIN:]BUS:DEVICE.FUNCTION, e.g. 0000:03:00.0 (see lspci -D)', (x) => (parseBdf(x) ? undefined : invalidBdfMessage(x)));
  return v?.trim();
}

/**
 * The "Add network device…" flow, or with `current` (a device read back from the script) the "Edit network
 * device…" flow: every question starts at the device's value, the MAC is asked too, and settings the flow does
 * not ask about (tap ifname, user net/host/dns/restrict, macvtap name/fd/vhost) are carried over unchanged.
 * The id is not part of the answer: editNetworkDevice keeps it.
 */
export async function askNetworkSpec(current?: NetworkSpec): Promise<NetworkSpec | undefined> {
  const verb = current ? 'Edit' : 'Add';
  const mode = await pick<NetworkSpec['mode']>(
    `${verb} network device: mode`,
    currentFirst<NetworkSpec['mode']>(
      [
        { label: 'User-mode (NAT)', description: 'no host setup; port forwards reach the guest', value: 'user' },
        { label: 'Tap on a bridge', description: 'guest on the host bridge’s network', value: 'tap' },
        { label: 'macvtap', description: 'guest directly on a host interface’s network', value: 'macvtap' },
        { label: 'PCI passthrough (vfio-pci)', description: 'a whole host NIC or SR-IOV VF', value: 'vfio' },
      ],
      current?.mode,
    ),
  );
  if (mode === undefined) return undefined;
  // Settings of the same mode carry over; a changed mode starts from that mode's defaults.
  const same = current?.mode === mode ? current : undefined;
  const nic = current && current.mode !== 'vfio' ? current : undefined;
  const askMac = async (): Promise<{ mac?: string } | undefined> => {
    if (!nic?.mac) return {};
    const mac = await ask('Guest MAC address', nic.mac, 'The NIC keeps this MAC unless you change it', validMac);
    return mac === undefined ? undefined : { mac: mac.trim().toLowerCase() };
  };
  const finish = async <S extends NetworkSpec>(spec: S | undefined): Promise<S | undefined> => {
    if (!spec) return undefined;
    const mac = await askMac();
    return mac && { ...spec, ...mac };
  };
  switch (mode) {
    case 'user': {
      const cur = same?.mode === 'user' ? same : undefined;
      const hostfwd = await askPortForwards('Port forwards (empty for none)', cur ? (cur.hostfwd ?? []).join(' ') : '2222:22');
      if (hostfwd === undefined) return undefined;
      const model = await pickModel(nic?.model);
      const { restrict, net, host, dns } = cur ?? {};
      return finish(model && { mode, hostfwd, model, ...defined({ restrict, net, host, dns }) });
    }
    case 'tap': {
      const cur = same?.mode === 'tap' ? same : undefined;
      const bridge = await ask('Host bridge', cur?.bridge ?? 'br0', 'The bridge the tap joins', validIfname);
      if (bridge === undefined) return undefined;
      const custom = cur?.script !== undefined && cur.script !== 'no' && cur.script !== 'generate' ? cur.script : undefined;
      const script = await pick<string>(
        'How is the tap put on the bridge?',
        currentFirst(
          [
            ...(custom ? [{ label: `Keep script=${custom}`, description: 'the script QEMU runs now', value: custom }] : []),
            { label: 'Before QEMU starts (script=no)', description: 'adds ip tuntap / ip link lines to the script', value: 'no' },
            { label: 'Generate qemu-ifup / qemu-ifdown', description: 'scripts using ip, next to this one', value: 'generate' },
          ],
          cur?.script,
        ),
      );
      if (script === undefined) return undefined;
      const vhost = await pick<boolean>(
        'vhost-net acceleration',
        currentFirst(
          [
            { label: 'vhost=on', description: 'needs /dev/vhost-net and a virtio NIC', value: true },
            { label: 'off', value: false },
          ],
          cur ? cur.vhost === true : undefined,
        ),
      );
      if (vhost === undefined) return undefined;
      const model = await pickModel(nic?.model);
      return finish(model && { mode, bridge: bridge.trim(), script, vhost, model, ...defined({ ifname: cur?.ifname }) });
    }
    case 'macvtap': {
      const cur = same?.mode === 'macvtap' ? same : undefined;
      const link = await ask('Host interface for the macvtap', cur?.link || 'eth0', 'The physical interface the guest shares', validIfname);
      if (link === undefined) return undefined;
      const macvtapMode = await pick<MacvtapMode>(
        'macvtap mode',
        currentFirst(
          MACVTAP_MODES.map((m) => ({ label: m, value: m, ...(m === 'bridge' ? { description: 'default: guests on this link reach each other' } : {}) })),
          cur?.macvtapMode,
        ),
      );
      if (macvtapMode === undefined) return undefined;
      const model = await pickModel(nic?.model);
      return finish(model && { mode, link: link.trim(), macvtapMode, model, ...defined({ name: cur?.name, fd: cur?.fd, vhost: cur?.vhost }) });
    }
    case 'vfio': {
      const bdf = await askBdf(same?.mode === 'vfio' ? same.bdf : undefined);
      return bdf ? { mode, bdf } : undefined;
    }
  }
}

/** The entries whose value is set (the specs are exactOptionalPropertyTypes-strict). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
