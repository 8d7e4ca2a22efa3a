import type { Finding } from '../../findings';
import { isMulticastMac, isValidMac, macsSharedAcrossFiles, QEMU_DEFAULT_MAC } from '../../mac';
import { stableMac } from '../../util/stableMac';
import { attribute, firstChild, type XmlAttribute, type XmlDocument, type XmlElement } from '../document';
import { RuleContext } from './context';

export interface MacUse {
  readonly mac: string; // lower case
  readonly attr: XmlAttribute;
  readonly el: XmlElement;
}

/** The well-formed `<mac address>` values of the guest NICs (`interface/mac`), in document order. */
export function nicMacs(doc: XmlDocument): MacUse[] {
  const out: MacUse[] = [];
  for (const el of doc.elements) {
    if (el.name !== 'mac' || el.parent?.name !== 'interface') continue;
    const attr = attribute(el, 'address');
    if (attr && isValidMac(attr.value.trim())) out.push({ mac: attr.value.trim().toLowerCase(), attr, el });
  }
  return out;
}

/** The interface's `<teaming>` and `<alias name>`, as libvirt's virtio failover pairs them. */
function teaming(iface: XmlElement): { type?: string; persistent?: string; alias?: string } {
  const t = firstChild(iface, 'teaming');
  const alias = firstChild(iface, 'alias');
  return { type: t && attribute(t, 'type')?.value, persistent: t && attribute(t, 'persistent')?.value, alias: alias && attribute(alias, 'name')?.value };
}

/**
 * A virtio failover pair (`<teaming type='transient' persistent='ua-X'/>` and the interface aliased ua-X with
 * `<teaming type='persistent'/>`): the guest bonds the two into one NIC, which needs one MAC on both.
 */
function failoverPair(a: XmlElement, b: XmlElement): boolean {
  const ta = teaming(a);
  const tb = teaming(b);
  const pairs = (t: typeof ta, p: typeof tb): boolean => t.type === 'transient' && t.persistent !== undefined && p.type === 'persistent' && p.alias === t.persistent;
  return pairs(ta, tb) || pairs(tb, ta);
}

/**
 * A virtio failover pair whose NICs do not share one MAC. libvirt accepts it, but the guest's net_failover driver
 * makes the VF the primary of the virtio NIC with the same MAC (kernel Documentation/networking/net_failover), so
 * the pair never forms: the transient NIC takes the persistent one's MAC.
 */
function checkTeamingMacs(ctx: RuleContext): void {
  const interfaces = ctx.doc.elements.filter((e) => e.name === 'interface');
  for (const transient of interfaces) {
    const t = teaming(transient);
    if (t.type !== 'transient' || t.persistent === undefined) continue;
    const persistent = interfaces.find((p) => p !== transient && failoverPair(transient, p));
    const want = persistent && macOf(persistent);
    if (!persistent || !want) continue; // no partner (libvirt reports it), or no MAC to match: libvirt picks both
    const macEl = firstChild(transient, 'mac');
    const have = macEl && attribute(macEl, 'address');
    if (have && have.value.trim().toLowerCase() === want.toLowerCase()) continue;
    const partner = `the persistent NIC on line ${ctx.lineOf(persistent)} (alias ${t.persistent})`;
    if (have) {
      ctx.report('TeamingMacMismatch', 'warning', have.valueSpan, `This failover NIC's MAC ${have.value.trim()} differs from ${want} of ${partner}: the guest pairs the two by MAC, so failover never forms.`, [
        { title: `Use ${want} (the persistent NIC's MAC)`, edits: [ctx.edit(have.valueSpan, want)], isPreferred: true },
      ]);
    } else {
      const teamingEl = firstChild(transient, 'teaming')!;
      ctx.report('TeamingMacMismatch', 'warning', teamingEl.nameSpan, `This failover NIC has no <mac>: libvirt generates one that differs from ${want} of ${partner}, and the guest pairs the two by MAC, so failover never forms.`, [
        { title: `Add <mac address='${want}'/> (the persistent NIC's MAC)`, edits: [ctx.appendChild(transient, `<mac address='${want}'/>`)], isPreferred: true },
      ]);
    }
  }
}

function macOf(iface: XmlElement): string | undefined {
  const m = firstChild(iface, 'mac');
  const v = m && attribute(m, 'address')?.value.trim();
  return v && isValidMac(v) ? v : undefined;
}

export function checkMacs(ctx: RuleContext): void {
  checkTeamingMacs(ctx);
  for (const el of ctx.doc.elements) {
    const attr = el.name === 'mac' ? attribute(el, 'address') : undefined;
    if (!attr) continue;
    const mac = attr.value.trim();
    if (!isValidMac(mac)) {
      ctx.report('MacMalformed', 'error', attr.valueSpan, `'${mac}' is not a MAC address: write six hex octets separated by colons, e.g. 52:54:00:6b:3c:58.`);
    } else if (isMulticastMac(mac)) {
      ctx.report('MacMulticast', 'error', attr.valueSpan, `${mac} is a multicast address (the low bit of the first octet is set); a NIC needs a unicast MAC. Use the 52:54:00 prefix libvirt and QEMU use.`);
    } else if (mac.toLowerCase() === QEMU_DEFAULT_MAC && el.parent?.name === 'interface') {
      ctx.report('MacQemuDefault', 'warning', attr.valueSpan, `${QEMU_DEFAULT_MAC} is QEMU's default MAC: every guest started without a MAC gets it, so two guests on one network collide. Remove <mac> and libvirt generates a unique one.`, [
        { title: 'Remove <mac> (libvirt generates a unique address)', edits: [ctx.removeElement(el)], isPreferred: true },
      ]);
    }
  }
  const seen = new Map<string, MacUse>();
  for (const use of nicMacs(ctx.doc)) {
    const first = seen.get(use.mac);
    if (!first) {
      seen.set(use.mac, use);
      continue;
    }
    if (failoverPair(first.el.parent!, use.el.parent!)) continue;
    const line = ctx.doc.index.positionAt(first.attr.span.start).line + 1;
    ctx.report('MacDuplicate', 'warning', use.attr.valueSpan, `${use.mac} is already used by the interface on line ${line}: two NICs with one MAC break ARP and DHCP on their network.`, [
      { title: 'Remove this <mac> (libvirt generates a unique address)', edits: [ctx.removeElement(use.el)], isPreferred: true },
    ]);
  }
}

export interface WorkspaceFile {
  readonly file: string;
  readonly doc: XmlDocument;
}

/**
 * MACs shared between files (e.g. two domain XMLs of one workspace): for each file,
 * a warning on every MAC another file also uses, with a fix that gives this NIC a
 * generated locally administered 52:54:00 MAC, stable for the file and NIC and used
 * nowhere in the workspace (nor by another fix). Duplicates inside one file are
 * checkMacs' job. Keys of the result are the `file` values given.
 */
export function duplicateMacsAcrossFiles(files: readonly WorkspaceFile[]): Map<string, Finding[]> {
  const { shared, taken } = macsSharedAcrossFiles(files.map((f) => ({ file: f.file, uses: nicMacs(f.doc) })));
  const out = new Map<string, Finding[]>();
  for (const f of files) {
    const ctx = new RuleContext(f.doc);
    for (const { use: u, nth, others } of shared.get(f.file)!) {
      const mac = stableMac(f.file, `interface${nth}`, taken);
      taken.add(mac);
      ctx.report('MacDuplicateWorkspace', 'warning', u.attr.valueSpan, `${u.mac} is also used in ${others.join(', ')}: guests with the same MAC on one network break ARP and DHCP.`, [
        { title: `Use a generated MAC (${mac})`, edits: [ctx.edit(u.attr.valueSpan, mac)], isPreferred: true },
      ]);
    }
    out.set(f.file, ctx.findings);
  }
  return out;
}
