import * as vscode from 'vscode';
import type { HostSnapshot } from '../../core/host/model';
import {
  MACVTAP_MODES,
  NIC_MODELS,
  normalizeBdf,
  normalizeHostfwd,
  SpecError,
  type MacvtapMode,
  type NetworkSpec,
  type NicModel,
} from '../../core/qemu/generate';
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

async function pickModel(): Promise<NicModel | undefined> {
  return pick<NicModel>(
    'Guest NIC model',
    NIC_MODELS.map((m, i) => ({ label: m, value: m, ...(i === 0 ? { description: 'default, fastest (guest needs virtio drivers)' } : {}) })),
  );
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

export async function askBdf(): Promise<string | undefined> {
  const known = knownLocalNics();
  if (known.length > 0) {
    const chosen = await pick<string | null>('PCI device to pass through', [
      ...known.map((d) => ({ label: d.bdf, description: [d.vendorName, d.deviceName].filter(Boolean).join(' '), detail: d.driver ? `driver: ${d.driver}` : undefined, value: d.bdf as string })),
      { label: 'Type a PCI address…', value: null },
    ]);
    if (chosen === undefined) return undefined;
    if (chosen !== null) return chosen;
  }
  const v = await ask('PCI device to pass through', '', 'Host PCI address [DOMAIN:]BUS:DEVICE.FUNCTION, e.g. 0000:03:00.0 (see lspci -D)', (x) => specError(() => normalizeBdf(x)));
  return v?.trim();
}

/** The "Add network device…" flow. */
export async function askNetworkSpec(): Promise<NetworkSpec | undefined> {
  const mode = await pick<NetworkSpec['mode']>('Add network device: mode', [
    { label: 'User-mode (NAT)', description: 'no host setup; port forwards reach the guest', value: 'user' },
    { label: 'Tap on a bridge', description: 'guest on the host bridge’s network', value: 'tap' },
    { label: 'macvtap', description: 'guest directly on a host interface’s network', value: 'macvtap' },
    { label: 'PCI passthrough (vfio-pci)', description: 'a whole host NIC or SR-IOV VF', value: 'vfio' },
  ]);
  switch (mode) {
    case undefined:
      return undefined;
    case 'user': {
      const hostfwd = await askPortForwards('Port forwards (empty for none)', '2222:22');
      if (hostfwd === undefined) return undefined;
      const model = await pickModel();
      return model && { mode, hostfwd, model };
    }
    case 'tap': {
      const bridge = await ask('Host bridge', 'br0', 'The bridge the tap joins', validIfname);
      if (bridge === undefined) return undefined;
      const script = await pick<string>('How is the tap put on the bridge?', [
        { label: 'Before QEMU starts (script=no)', description: 'adds ip tuntap / ip link lines to the script', value: 'no' },
        { label: 'Generate qemu-ifup / qemu-ifdown', description: 'scripts using ip, next to this one', value: 'generate' },
      ]);
      if (script === undefined) return undefined;
      const vhost = await pick<boolean>('vhost-net acceleration', [
        { label: 'vhost=on', description: 'needs /dev/vhost-net and a virtio NIC', value: true },
        { label: 'off', value: false },
      ]);
      if (vhost === undefined) return undefined;
      const model = await pickModel();
      return model && { mode, bridge: bridge.trim(), script, vhost, model };
    }
    case 'macvtap': {
      const link = await ask('Host interface for the macvtap', 'eth0', 'The physical interface the guest shares', validIfname);
      if (link === undefined) return undefined;
      const macvtapMode = await pick<MacvtapMode>(
        'macvtap mode',
        MACVTAP_MODES.map((m) => ({ label: m, value: m, ...(m === 'bridge' ? { description: 'default: guests on this link reach each other' } : {}) })),
      );
      if (macvtapMode === undefined) return undefined;
      const model = await pickModel();
      return model && { mode, link: link.trim(), macvtapMode, model };
    }
    case 'vfio': {
      const bdf = await askBdf();
      return bdf ? { mode, bdf } : undefined;
    }
  }
}
