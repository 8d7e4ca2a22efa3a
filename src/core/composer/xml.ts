import type { PciDevice } from '../hostSnapshot';
import { hostdevXml } from '../pci/hostdevXml';
import type { DirectMode, ForwardProtocol } from './state';

/**
 * libvirt <interface> elements for the emulated-NIC modes. The project had snippets (templates with
 * placeholders) but no generator for these; PCI/VF elements come from ../pci/hostdevXml.
 */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** QEMU device model → libvirt <model type>: libvirt calls virtio-net-pci just "virtio". */
export function libvirtModel(qemuModel: string): string {
  return qemuModel === 'virtio-net-pci' ? 'virtio' : qemuModel;
}

export interface XmlForward {
  readonly proto: ForwardProtocol;
  readonly address?: string;
  readonly hostPort: number;
  readonly guestPort: number;
}

export type InterfaceXmlSpec =
  | { readonly kind: 'user'; readonly mac?: string; readonly model: string; readonly forwards: readonly XmlForward[] }
  | { readonly kind: 'bridge'; readonly mac?: string; readonly model: string; readonly bridge: string; readonly tap?: string; readonly vhost: boolean }
  | { readonly kind: 'direct'; readonly mac?: string; readonly model: string; readonly dev: string; readonly mode: DirectMode; readonly vhost: boolean };

/** The driver element: vhost-net is a virtio-only backend; 'qemu' keeps the data path in QEMU. */
function driver(model: string, vhost: boolean): string | undefined {
  if (libvirtModel(model) !== 'virtio') return undefined;
  return `<driver name='${vhost ? 'vhost' : 'qemu'}'/>`;
}

export function interfaceXml(spec: InterfaceXmlSpec, indent = ''): string {
  const body: string[] = [];
  if (spec.mac) body.push(`<mac address='${esc(spec.mac)}'/>`);
  let type: string;
  switch (spec.kind) {
    case 'user':
      type = 'user';
      // libvirt forwards ports only with the passt backend (libvirt >= 9.0); slirp has no <portForward>.
      if (spec.forwards.length > 0) body.push("<backend type='passt'/>");
      for (const f of spec.forwards) {
        body.push(
          `<portForward proto='${f.proto}'${f.address ? ` address='${esc(f.address)}'` : ''}>`,
          `  <range start='${f.hostPort}' to='${f.guestPort}'/>`,
          '</portForward>',
        );
      }
      break;
    case 'bridge':
      type = 'bridge';
      body.push(`<source bridge='${esc(spec.bridge)}'/>`);
      if (spec.tap) body.push(`<target dev='${esc(spec.tap)}'/>`);
      break;
    case 'direct':
      type = 'direct';
      body.push(`<source dev='${esc(spec.dev)}' mode='${spec.mode}'/>`);
      break;
  }
  body.push(`<model type='${esc(libvirtModel(spec.model))}'/>`);
  const drv = spec.kind === 'user' ? undefined : driver(spec.model, spec.vhost);
  if (drv) body.push(drv);
  return [`<interface type='${type}'>`, ...body.map((l) => `  ${l}`), '</interface>'].map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

/**
 * A VF as <interface type='hostdev'> (hostdevXml's form) with the guest MAC and VLAN libvirt programs on the
 * PF side; any other function as a plain managed <hostdev>.
 */
export function passthroughXml(device: PciDevice, extra: { mac?: string; vlan?: number } = {}, indent = ''): string {
  const lines = hostdevXml(device).split('\n');
  if (device.physfn !== undefined) {
    const add: string[] = [];
    if (extra.mac) add.push(`  <mac address='${esc(extra.mac)}'/>`);
    if (extra.vlan !== undefined) add.push('  <vlan>', `    <tag id='${extra.vlan}'/>`, '  </vlan>');
    lines.splice(1, 0, ...add);
  }
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
