import type { HostSnapshot } from '../../core/hostSnapshot';
import { libvirtFindings } from '../../core/libvirt/findings';
import type { Guest, GuestNic } from '../../core/libvirt/model';
import { terminalSafeField, terminalSafeJson } from '../../core/text';
import { ExitCode, flag, HOST_HELP, hostOptions, type CommandSpec } from '../command';
import { withHostSnapshot } from '../hostDiscovery';

function nicLine(n: GuestNic): string {
  const where = n.network ? `network ${n.network}` : n.bridge ? `bridge ${n.bridge}` : n.dev ? `${n.dev}${n.mode ? ` mode ${n.mode}` : ''}` : n.address ? `PCI ${n.address}` : '';
  return [`interface ${n.type}`, where, n.mac ?? '', n.model ? `model ${n.model}` : '', n.target ? `dev ${n.target}` : '', n.driver ? `driver ${n.driver}` : ''].filter(Boolean).join('  ');
}

function guestLines(g: Guest): string[] {
  const facts = [g.state ?? 'state unknown', g.persistent === false ? 'transient' : 'persistent', g.autostart ? 'autostart' : ''].filter(Boolean).join(', ');
  return [
    `${g.name}  (${facts})`,
    ...g.nics.map((n) => `    ${nicLine(n)}`),
    ...g.hostdevs.map((h) => `    hostdev PCI ${h.address}${h.managed ? ' managed' : ''}`),
    ...(g.error ? [`    ! ${g.error}`] : []),
  ];
}

/** Guests, then networks, then host-wide findings; one fact per line. */
export function renderGuests(s: HostSnapshot, title: string): string {
  const inv = s.libvirt;
  if (!inv) return `${terminalSafeField(`${title}: no libvirt daemon found (virsh and a daemon socket are needed)`)}\n`;
  const out = [`${title}${s.system.hostname ? ` (${s.system.hostname})` : ''}: ${inv.guests.length} guests, ${inv.networks.length} networks (${inv.uri})`];
  for (const g of inv.guests) out.push(...guestLines(g));
  if (inv.networks.length) out.push('', 'Networks:');
  for (const n of inv.networks) {
    const pool = [...(n.pf ?? []).map((p) => `pf ${p}`), ...(n.devs ?? []).map((d) => `dev ${d}`)].join(', ');
    out.push(`${n.name}  (${n.active ? 'active' : 'inactive'}, ${n.forwardMode ?? 'isolated'}${n.bridge ? `, bridge ${n.bridge}` : ''}${pool ? `, ${pool}` : ''})`);
  }
  const findings = libvirtFindings(s);
  if (findings.length) out.push('', 'Findings:', ...findings.map((f) => `  ${f.code}: ${f.message}`));
  for (const e of inv.errors) out.push(`! ${e}`);
  // Names and definitions come from the host: each stays one line, with no terminal controls.
  return `${out.map(terminalSafeField).join('\n')}\n`;
}

export const guestsCommand: CommandSpec = {
  name: 'guests',
  summary: "list a host's libvirt guests and networks with their NICs and passthrough devices",
  usage: 'kvmnet guests [--host H] [--ssh-option KEY=VAL]… [--json]',
  help: `List the libvirt guests (qemu:///system) of a host with their NICs (type, source,
MAC, model, host device, driver), PCI hostdevs and interface type='hostdev' devices,
then its networks (forward mode, bridge, PF or device pools), then host-wide findings:
a MAC used by two guests, a PCI function assigned twice, an IOMMU group split between
a guest and host drivers or another guest, an interface on a bridge, network or
device this host lacks, a macvtap or VF pool on a missing PF. Read in the same one
round trip as 'kvmnet devices' (virsh runs on the host, read-only).
--json prints {host, libvirt, findings, partial?}; "libvirt" is absent when the host
runs no libvirt daemon.

Options:
${HOST_HELP}
  --timeout SECONDS     ssh connect timeout (default 10)

Exit status: 0 listed (also when the host has no libvirt), 2 usage error, the host
could not be reached or the discovery was partial.`,
  options: { ...hostOptions, timeout: { type: 'string' } },
  async run(args, io) {
    return withHostSnapshot('guests', args, io, (snapshot, label) => {
      if (flag(args, 'json')) {
        const json = { host: label, ...(snapshot.libvirt ? { libvirt: snapshot.libvirt } : {}), findings: libvirtFindings(snapshot), ...(snapshot.partial !== undefined ? { partial: snapshot.partial } : {}) };
        io.out(`${terminalSafeJson(json)}\n`);
      } else io.out(renderGuests(snapshot, label));
      return ExitCode.Ok;
    });
  },
};
