import { bdfFromXmlAddress, type Bdf } from '../pci/bdf';
import { attrValue, childElements, firstChild, select, type XmlElement } from '../xml/document';
import { parseXmlTree } from '../xml/parse/parser';
import type { Guest, GuestHostdev, GuestNic, LibvirtNetwork } from './model';

/**
 * Turns what virsh printed for one guest (`dominfo U; dumpxml U`) or one network (`net-info U; net-dumpxml U`)
 * into checked values. The text is untrusted: nothing throws, every kept value matches a strict pattern, and
 * what cannot be used becomes a warning (the caller adds where it came from).
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** libvirt allows almost anything in a name; the views accept the printable ones, bounded. */
const OBJECT_NAME = /^[^\x00-\x1f\x7f/]{1,200}$/;
const WORD = /^[A-Za-z0-9_.:+@-]{1,64}$/;
const IFNAME = /^[A-Za-z0-9_.:@+-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const STATES = new Set(['running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended']);

interface Split {
  readonly info: Map<string, string>;
  readonly xml: string;
}

/** `Key:   value` lines up to the first line starting with '<', then the XML. */
function split(lines: readonly string[]): Split {
  const info = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && !lines[i]!.startsWith('<'); i++) {
    const m = /^([A-Za-z][A-Za-z ().-]{0,40}):\s*(.*)$/.exec(lines[i]!);
    if (m && !info.has(m[1]!)) info.set(m[1]!, m[2]!.trim());
  }
  return { info, xml: lines.slice(i).join('\n') };
}

function yesNo(v: string | undefined): boolean | undefined {
  return v === 'yes' || v === 'enable' ? true : v === 'no' || v === 'disable' ? false : undefined;
}

function root(xml: string, name: string): { el?: XmlElement; error?: string } {
  if (xml === '') return { error: 'no definition was printed' };
  const { root: el, error } = parseXmlTree(xml);
  if (error) return { error: `definition is not well-formed XML: ${error.message}` };
  if (el?.name !== name) return { error: `definition root is <${el?.name ?? '?'}>, not <${name}>` };
  return { el };
}

/** A `<address domain= bus= slot= function=>` as a BDF, read as libvirt reads it. */
function pciAddress(el: XmlElement | undefined): Bdf | undefined {
  return el ? bdfFromXmlAddress((f) => attrValue(el, f)) : undefined;
}

function check(value: string | undefined, pattern: RegExp): string | undefined {
  return value !== undefined && pattern.test(value) ? value : undefined;
}

/** An attribute of the first child named `child`, never of `el` itself. */
function childAttr(el: XmlElement, child: string, name: string): string | undefined {
  const c = firstChild(el, child);
  return c ? attrValue(c, name) : undefined;
}

function nic(el: XmlElement): GuestNic {
  const type = check(attrValue(el, 'type'), WORD) ?? 'unknown';
  const source = firstChild(el, 'source');
  const opt = <K extends keyof GuestNic>(k: K, v: GuestNic[K] | undefined) => (v === undefined ? {} : { [k]: v });
  const mac = childAttr(el, 'mac', 'address')?.toLowerCase();
  return {
    type,
    ...opt('mac', check(mac, MAC)),
    ...opt('model', check(childAttr(el, 'model', 'type'), WORD)),
    ...opt('network', source && type === 'network' ? check(attrValue(source, 'network'), OBJECT_NAME) : undefined),
    ...opt('bridge', source && type === 'bridge' ? check(attrValue(source, 'bridge'), IFNAME) : undefined),
    ...opt('dev', source && type === 'direct' ? check(attrValue(source, 'dev'), IFNAME) : undefined),
    ...opt('mode', source && type === 'direct' ? check(attrValue(source, 'mode'), WORD) : undefined),
    ...opt('address', source && type === 'hostdev' ? pciAddress(firstChild(source, 'address')) : undefined),
    ...opt('target', check(childAttr(el, 'target', 'dev'), IFNAME)),
    ...opt('driver', check(childAttr(el, 'driver', 'name'), WORD)),
  };
}

/** One guest from its `dominfo; dumpxml` lines; warnings say what was left out. */
export function parseGuest(uuid: string, lines: readonly string[], warn: (m: string) => void): Guest | undefined {
  const { info, xml } = split(lines);
  const { el, error } = root(xml, 'domain');
  const rawName = (el && firstChild(el, 'name')?.children.find((c) => c.kind === 'text')?.text.trim()) ?? info.get('Name');
  const name = check(rawName, OBJECT_NAME);
  const infoUuid = info.get('UUID');
  if (infoUuid !== undefined && infoUuid !== uuid) {
    warn(`guest ${uuid}: virsh answered for ${infoUuid.slice(0, 40)}; left out`);
    return undefined;
  }
  if (!name) {
    warn(`guest ${uuid}: no usable name${error ? ` (${error})` : ''}; left out`);
    return undefined;
  }
  const state = info.get('State');
  if (state !== undefined && !STATES.has(state)) warn(`guest ${name}: unknown state '${state.slice(0, 40)}'`);
  const nics: GuestNic[] = [];
  const hostdevs: GuestHostdev[] = [];
  if (el) {
    for (const devices of childElements(el, 'devices')) {
      for (const i of childElements(devices, 'interface')) nics.push(nic(i));
      for (const h of childElements(devices, 'hostdev')) {
        if (attrValue(h, 'type') !== 'pci') continue;
        const address = pciAddress(select(h, 'source/address')[0]);
        if (!address) {
          warn(`guest ${name}: PCI hostdev without a readable source address`);
          continue;
        }
        const managed = yesNo(attrValue(h, 'managed'));
        hostdevs.push({ address, ...(managed === undefined ? {} : { managed }) });
      }
    }
  }
  if (error) warn(`guest ${name}: ${error}`);
  const persistent = yesNo(info.get('Persistent'));
  const autostart = yesNo(info.get('Autostart'));
  return {
    name,
    uuid,
    ...(state !== undefined && STATES.has(state) ? { state } : {}),
    ...(persistent === undefined ? {} : { persistent }),
    ...(autostart === undefined ? {} : { autostart }),
    nics,
    hostdevs,
    ...(error ? { error } : {}),
  };
}

/** One network from its `net-info; net-dumpxml` lines. */
export function parseNetwork(uuid: string, lines: readonly string[], warn: (m: string) => void): LibvirtNetwork | undefined {
  const { info, xml } = split(lines);
  const { el, error } = root(xml, 'network');
  const rawName = (el && firstChild(el, 'name')?.children.find((c) => c.kind === 'text')?.text.trim()) ?? info.get('Name');
  const name = check(rawName, OBJECT_NAME);
  if (!name) {
    warn(`network ${uuid}: no usable name${error ? ` (${error})` : ''}; left out`);
    return undefined;
  }
  if (error) warn(`network ${name}: ${error}`);
  const forward = el ? firstChild(el, 'forward') : undefined;
  const names = (tag: string) => (forward ? childElements(forward, tag).map((e) => check(attrValue(e, 'dev'), IFNAME)).filter((x): x is string => x !== undefined) : []);
  const pf = names('pf');
  const devs = names('interface');
  const addresses = forward ? childElements(forward, 'address').map(pciAddress).filter((x): x is Bdf => x !== undefined) : [];
  const bridge = check((el && childAttr(el, 'bridge', 'name')) ?? info.get('Bridge'), IFNAME);
  const forwardMode = forward ? (check(attrValue(forward, 'mode'), WORD) ?? 'nat') : undefined;
  const active = yesNo(info.get('Active'));
  const persistent = yesNo(info.get('Persistent'));
  const autostart = yesNo(info.get('Autostart'));
  return {
    name,
    uuid,
    ...(active === undefined ? {} : { active }),
    ...(persistent === undefined ? {} : { persistent }),
    ...(autostart === undefined ? {} : { autostart }),
    ...(forwardMode ? { forwardMode } : {}),
    ...(bridge ? { bridge } : {}),
    ...(pf.length ? { pf } : {}),
    ...(devs.length ? { devs } : {}),
    ...(addresses.length ? { addresses } : {}),
    ...(error ? { error } : {}),
  };
}
