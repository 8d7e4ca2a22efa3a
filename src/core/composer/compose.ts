import type { HostSnapshot, PciDevice } from '../hostSnapshot';
import { parseBdf } from '../pci/bdf';
import { checkHostfwd, generate, SpecError, type GenerateContext, type NetworkSpec } from '../qemu/generate';
import { shellQuote } from '../util/shellQuote';
import { MODE_NOTES, type ModeNote } from './notes';
import { usesMac, usesModel, type FieldError, type FormState, type PortForward } from './state';
import { interfaceXml, passthroughXml, type XmlForward } from './xml';

export interface ComposeContext {
  /** The host the device is for: SR-IOV VFs are picked from it, PCI addresses checked against it. */
  readonly snapshot?: HostSnapshot;
  /** The launch script the arguments are for (seeds the stable MAC when the MAC field is empty). */
  readonly scriptPath?: string;
}

export interface ComposeResult {
  /** The libvirt element for <devices>; '' while a field has an error. */
  readonly xml: string;
  /** QEMU arguments, unquoted; [] while a field has an error. */
  readonly qemuArgs: readonly string[];
  /** Shell redirections the arguments need (macvtap's fd). */
  readonly redirects: readonly string[];
  /** Host steps (comments and commands) to run before QEMU. */
  readonly prelude: readonly string[];
  /** Host steps, then the shell-quoted argument line: what "copy" gives. */
  readonly qemuText: string;
  readonly errors: readonly FieldError[];
  readonly note: ModeNote;
  /** Caveats for this exact configuration. */
  readonly notes: readonly string[];
  /** What the launch-script editor should add; undefined while a field has an error. */
  readonly spec?: NetworkSpec;
}

export const DEFAULT_SCRIPT_PATH = 'launch-vm.sh';

/** QEMU's host-forward rejection reasons (checkHostfwd), as the field they belong to. */
const FORWARD_REASON: Record<string, { field: keyof PortForward; message: string }> = {
  'Bad host address': { field: 'hostAddress', message: 'an IPv4 address, or empty for all addresses' },
  'Bad host port': { field: 'hostPort', message: 'a port number 0–65535' },
  'Bad guest port': { field: 'guestPort', message: 'a port number 1–65535' },
};

function forwardRule(f: PortForward): string {
  return `${f.proto}:${f.hostAddress.trim()}:${f.hostPort.trim()}-:${f.guestPort.trim()}`;
}

/** The device of the snapshot at this address, if the snapshot knows it. */
function findDevice(snapshot: HostSnapshot | undefined, bdf: string): PciDevice | undefined {
  const b = parseBdf(bdf);
  return b === undefined ? undefined : snapshot?.devices.find((d) => d.bdf === b);
}

/** The snapshot's SR-IOV virtual functions (what the SR-IOV mode offers). */
export function virtualFunctions(snapshot: HostSnapshot | undefined): PciDevice[] {
  return snapshot?.devices.filter((d) => d.physfn !== undefined) ?? [];
}

class Validator {
  readonly errors: FieldError[] = [];
  constructor(private readonly ctx: GenerateContext) {}

  add(field: string, message: string): void {
    if (!this.errors.some((e) => e.field === field)) this.errors.push({ field, message });
  }

  /** Asks the QEMU generator about one field (a spec where only that field is the user's), so its rules live there only. */
  probe(field: string, spec: NetworkSpec): void {
    try {
      generate(spec, this.ctx);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      this.add(field, e.message);
    }
  }

  required(field: string, value: string, what: string): boolean {
    if (value.trim() !== '') return true;
    this.add(field, `${what} is required`);
    return false;
  }
}

function validate(state: FormState, v: Validator, snapshot: HostSnapshot | undefined, notes: string[]): void {
  if (state.id.trim() !== '') v.probe('id', { mode: 'user', id: state.id.trim() });
  if (usesModel(state.mode)) v.probe('model', { mode: 'user', model: state.model as ModelName });
  if (usesMac(state.mode) && state.mac.trim() !== '') v.probe('mac', { mode: 'user', mac: state.mac.trim() });
  const vhostNeedsVirtio = (field: string, vhost: boolean): void => {
    if (vhost && state.model !== 'virtio-net-pci') v.add(field, 'vhost-net only serves the virtio-net-pci model: turn it off or pick virtio-net-pci');
  };
  switch (state.mode) {
    case 'user':
      state.user.portForwards.forEach((f, i) => {
        const why = checkHostfwd(forwardRule(f));
        if (!why) {
          // QEMU takes 0 (any free port); libvirt's parser refuses it ("Zero is not permitted"), and the form serves both.
          if (Number(f.hostPort) === 0) v.add(`user.portForwards.${i}.hostPort`, 'Host port: 1–65535 (libvirt refuses 0)');
          return;
        }
        const r = FORWARD_REASON[why] ?? { field: 'hostPort', message: why };
        v.add(`user.portForwards.${i}.${r.field}`, `${r.field === 'hostAddress' ? 'Host address' : r.field === 'hostPort' ? 'Host port' : 'Guest port'}: ${r.message} (QEMU: ${why})`);
      });
      break;
    case 'bridge':
      if (v.required('bridge.bridge', state.bridge.bridge, 'The bridge')) v.probe('bridge.bridge', { mode: 'tap', bridge: state.bridge.bridge.trim() });
      if (state.bridge.tap.trim() !== '') v.probe('bridge.tap', { mode: 'tap', ifname: state.bridge.tap.trim() });
      vhostNeedsVirtio('bridge.vhost', state.bridge.vhost);
      break;
    case 'macvtap':
      if (v.required('macvtap.link', state.macvtap.link, 'The host interface')) v.probe('macvtap.link', { mode: 'macvtap', link: state.macvtap.link.trim() });
      vhostNeedsVirtio('macvtap.vhost', state.macvtap.vhost);
      break;
    case 'pci': {
      if (!v.required('pci.bdf', state.pci.bdf, 'The PCI address')) break;
      v.probe('pci.bdf', { mode: 'vfio', bdf: state.pci.bdf });
      const d = findDevice(snapshot, state.pci.bdf);
      if (snapshot && parseBdf(state.pci.bdf) && !d) notes.push(`${state.pci.bdf.trim()} is not a PCI function of ${snapshot.system.hostname ?? 'the discovered host'}.`);
      if (d?.physfn !== undefined) notes.push(`${d.bdf} is an SR-IOV VF: the SR-IOV mode also sets its MAC and VLAN.`);
      break;
    }
    case 'sriov': {
      if (v.required('sriov.vf', state.sriov.vf, 'The virtual function')) {
        v.probe('sriov.vf', { mode: 'vfio', bdf: state.sriov.vf });
        if (snapshot && parseBdf(state.sriov.vf)) {
          const d = findDevice(snapshot, state.sriov.vf);
          if (d?.physfn === undefined) v.add('sriov.vf', `${state.sriov.vf.trim()} is not a virtual function of ${snapshot.system.hostname ?? 'the discovered host'}`);
        } else if (!snapshot) notes.push('No discovered host: the address could not be checked to be a VF.');
      }
      const vlan = state.sriov.vlan.trim();
      if (vlan !== '' && !(/^\d+$/.test(vlan) && Number(vlan) >= 1 && Number(vlan) <= 4094)) v.add('sriov.vlan', 'VLAN: a tag 1–4094, or empty for none');
      break;
    }
  }
}

type ModelName = NonNullable<Extract<NetworkSpec, { mode: 'user' }>['model']>;

function toSpec(state: FormState): NetworkSpec {
  const id = state.id.trim() === '' ? {} : { id: state.id.trim() };
  const nic = { ...id, model: state.model as ModelName, ...(state.mac.trim() !== '' ? { mac: state.mac.trim().toLowerCase() } : {}) };
  switch (state.mode) {
    case 'user':
      return { mode: 'user', ...nic, hostfwd: state.user.portForwards.map(forwardRule), restrict: state.user.restrict };
    case 'bridge':
      return { mode: 'tap', ...nic, bridge: state.bridge.bridge.trim(), ...(state.bridge.tap.trim() ? { ifname: state.bridge.tap.trim() } : {}), script: 'no', vhost: state.bridge.vhost };
    case 'macvtap':
      return { mode: 'macvtap', ...nic, link: state.macvtap.link.trim(), macvtapMode: state.macvtap.mode === 'passthrough' ? 'passthru' : state.macvtap.mode, vhost: state.macvtap.vhost };
    case 'pci':
      return { mode: 'vfio', ...id, bdf: state.pci.bdf };
    case 'sriov':
      return { mode: 'vfio', ...id, bdf: state.sriov.vf };
  }
}

/** The PF-side commands that give a VF its MAC and VLAN when QEMU (not libvirt) starts the guest. */
function vfPrelude(snapshot: HostSnapshot | undefined, vf: PciDevice | undefined, mac: string | undefined, vlan: number | undefined): string[] {
  if (mac === undefined && vlan === undefined) return [];
  const pf = vf?.physfn !== undefined ? snapshot?.devices.find((d) => d.bdf === vf.physfn) : undefined;
  const index = pf?.virtfns?.indexOf(vf!.bdf) ?? -1;
  const pfNet = pf?.netdevs?.[0];
  if (pfNet === undefined || index < 0) {
    return ['# Set the VF\u2019s MAC/VLAN from its PF: ip link set dev PF_INTERFACE vf VF_INDEX' + (mac ? ` mac ${mac}` : '') + (vlan !== undefined ? ` vlan ${vlan}` : '')];
  }
  return [`# The VF\u2019s MAC and VLAN are set from its PF (${pf!.bdf}, ${pfNet}):`, `ip link set dev ${pfNet} vf ${index}${mac ? ` mac ${mac}` : ''}${vlan !== undefined ? ` vlan ${vlan}` : ''}`];
}

/** Form state → libvirt XML + QEMU arguments, through the project's generators; every problem is tied to its field. */
export function compose(state: FormState, context: ComposeContext = {}): ComposeResult {
  const ctx: GenerateContext = { scriptPath: context.scriptPath ?? DEFAULT_SCRIPT_PATH };
  const notes: string[] = [];
  const v = new Validator(ctx);
  validate(state, v, context.snapshot, notes);
  const note = MODE_NOTES[state.mode];
  if (state.mode === 'user' && state.user.restrict) notes.push('restrict=on has no libvirt equivalent: the XML leaves it out.');
  if (state.mode === 'user' && state.user.portForwards.length > 0) notes.push('libvirt forwards ports only with the passt backend (package passt; libvirt 9.2 or later: libvirt 9.0 validates the XML but refuses the backend when defining the domain).');
  const empty = { xml: '', qemuArgs: [], redirects: [], prelude: [], qemuText: '', note, notes };
  if (v.errors.length > 0) return { ...empty, errors: v.errors };

  const spec = toSpec(state);
  let g;
  try {
    g = generate(spec, ctx);
  } catch (e) {
    // Every field passed on its own: what is left is a combination the generator refuses.
    if (!(e instanceof SpecError)) throw e;
    return { ...empty, errors: [{ field: 'mode', message: e.message }] };
  }
  const mac = g.mac;
  let xml: string;
  let prelude = g.prelude;
  switch (state.mode) {
    case 'user': {
      const forwards: XmlForward[] = state.user.portForwards.map((f) => ({
        proto: f.proto,
        ...(f.hostAddress.trim() ? { address: f.hostAddress.trim() } : {}),
        hostPort: Number(f.hostPort),
        guestPort: Number(f.guestPort),
      }));
      xml = interfaceXml({ kind: 'user', mac, model: state.model, forwards });
      break;
    }
    case 'bridge':
      xml = interfaceXml({ kind: 'bridge', mac, model: state.model, bridge: state.bridge.bridge.trim(), ...(state.bridge.tap.trim() ? { tap: state.bridge.tap.trim() } : {}), vhost: state.bridge.vhost });
      break;
    case 'macvtap':
      xml = interfaceXml({ kind: 'direct', mac, model: state.model, dev: state.macvtap.link.trim(), mode: state.macvtap.mode, vhost: state.macvtap.vhost });
      break;
    case 'pci': {
      const bdf = parseBdf(state.pci.bdf)!;
      // Built as a non-VF even when the snapshot calls it a VF: the user chose plain passthrough.
      xml = passthroughXml({ ...(findDevice(context.snapshot, bdf) ?? { classCode: '', vendorId: '', deviceId: '' }), bdf, physfn: undefined });
      break;
    }
    case 'sriov': {
      const bdf = parseBdf(state.sriov.vf)!;
      const vf = findDevice(context.snapshot, bdf);
      const vfMac = state.mac.trim() ? state.mac.trim().toLowerCase() : undefined;
      const vlan = state.sriov.vlan.trim() ? Number(state.sriov.vlan) : undefined;
      xml = passthroughXml({ ...(vf ?? { classCode: '', vendorId: '', deviceId: '' }), bdf, physfn: vf?.physfn ?? bdf }, { ...(vfMac ? { mac: vfMac } : {}), ...(vlan !== undefined ? { vlan } : {}) });
      prelude = [...prelude, ...vfPrelude(context.snapshot, vf, vfMac, vlan)];
      break;
    }
  }
  const line = [...g.args.map(shellQuote), ...g.redirects].join(' ');
  // The script gets the MAC the preview shows, not one derived from the script's own path.
  const written: NetworkSpec = spec.mode !== 'vfio' && mac !== undefined ? { ...spec, mac } : spec;
  return { xml, qemuArgs: g.args, redirects: g.redirects, prelude, qemuText: [...prelude, line].join('\n'), errors: [], note, notes, spec: written };
}
