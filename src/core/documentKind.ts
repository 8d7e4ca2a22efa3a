/** The document kinds the linters understand; anything else is left alone. */
export type DocumentKind = 'libvirt-xml' | 'launch-script';

/**
 * The schema virt-xml-validate picks for each root element (its own table; it matches substrings of the root's
 * name, these are the names libvirt writes). One libvirt document kind per root, except <interface>: see below.
 */
export const ROOT_SCHEMAS = {
  domain: 'domain.rng',
  domainsnapshot: 'domainsnapshot.rng',
  domaincheckpoint: 'domaincheckpoint.rng',
  domainbackup: 'domainbackup.rng',
  domainCapabilities: 'domaincaps.rng',
  network: 'network.rng',
  networkport: 'networkport.rng',
  pool: 'storagepool.rng',
  storagepoolCapabilities: 'storagepoolcaps.rng',
  volume: 'storagevol.rng',
  capabilities: 'capability.rng',
  device: 'nodedev.rng',
  filter: 'nwfilter.rng',
  filterbinding: 'nwfilterbinding.rng',
  secret: 'secret.rng',
  interface: 'interface.rng',
  cpu: 'cpu.rng',
} as const;
export type SchemaRoot = keyof typeof ROOT_SCHEMAS;

/** What each kind is, in the words of the command that takes it. */
const KIND_NAMES: Readonly<Record<SchemaRoot, string>> = {
  domain: 'guest domain (virsh define)',
  domainsnapshot: 'domain snapshot (virsh snapshot-create)',
  domaincheckpoint: 'domain checkpoint (virsh checkpoint-create)',
  domainbackup: 'domain backup (virsh backup-begin)',
  domainCapabilities: 'domain capabilities (virsh domcapabilities)',
  network: 'virtual network (virsh net-define)',
  networkport: 'network port (virsh net-port-create)',
  pool: 'storage pool (virsh pool-define)',
  storagepoolCapabilities: 'storage pool capabilities (virsh pool-capabilities)',
  volume: 'storage volume (virsh vol-create)',
  capabilities: 'host capabilities (virsh capabilities)',
  device: 'node device (virsh nodedev-create)',
  filter: 'network filter (virsh nwfilter-define)',
  filterbinding: 'network filter binding (virsh nwfilter-binding-create)',
  secret: 'secret (virsh secret-define)',
  interface: 'host network interface (virsh iface-define)',
  cpu: 'CPU definition (virsh cpu-compare)',
};

/**
 * A libvirt XML document: a whole document of a kind virt-xml-validate knows (validated against that schema), or a
 * guest device fragment for `virsh attach-device` (<interface>, <hostdev>: validated against its definition in the
 * domain schema, and linted with the guest rules).
 */
export type LibvirtKind =
  | { readonly kind: 'document'; readonly root: SchemaRoot; readonly schema: string; readonly name: string }
  | { readonly kind: 'fragment'; readonly root: 'interface' | 'hostdev'; readonly name: string };

/** The root names of every libvirt kind, for completion of an empty file and the like. */
export const LIBVIRT_ROOTS: readonly string[] = [...Object.keys(ROOT_SCHEMAS), 'hostdev'];

/** How far rootElementName looks: 64 KiB is enough for any real prolog. */
export const ROOT_SCAN_CHARS = 65536;

/** The first element's start tag: its name and its attributes' text. */
export interface RootTag {
  readonly name: string;
  readonly attributes: string;
}

/**
 * The first element's start tag, skipping the XML declaration, processing instructions, comments and a DOCTYPE.
 * Undefined when there is none in the first ROOT_SCAN_CHARS characters.
 */
export function rootStartTag(text: string): RootTag | undefined {
  const head = text.slice(0, ROOT_SCAN_CHARS);
  let i = 0;
  while (i < head.length) {
    const lt = head.indexOf('<', i);
    if (lt < 0) return undefined;
    if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (head.startsWith('<?', lt)) {
      const end = head.indexOf('?>', lt + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (head.startsWith('<!', lt)) {
      const end = head.indexOf('>', lt + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)/.exec(head.slice(lt, lt + 4096));
      return m ? { name: m[1]!, attributes: m[2]! } : undefined;
    }
  }
  return undefined;
}

/** Name of the first element (see rootStartTag). */
export function rootElementName(text: string): string | undefined {
  return rootStartTag(text)?.name;
}

/**
 * The libvirt kind of a document from its root start tag. A lone <interface> is a host interface when it carries
 * name= (netcf's interface.rng requires it, a guest NIC has no such attribute), else a guest NIC fragment. A root
 * that declares a default namespace is someone else's vocabulary (libvirt never does), so is not libvirt's.
 */
function attributeNames(tag: RootTag): Set<string> {
  return new Set(Array.from(tag.attributes.matchAll(/([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')/g), (m) => m[1]!));
}

export function libvirtKindOf(tag: RootTag): LibvirtKind | undefined {
  const names = attributeNames(tag);
  if (names.has('xmlns')) return undefined;
  if (tag.name === 'hostdev' || (tag.name === 'interface' && !names.has('name'))) {
    return { kind: 'fragment', root: tag.name, name: `guest device fragment <${tag.name}> (virsh attach-device)` };
  }
  if (!Object.hasOwn(ROOT_SCHEMAS, tag.name)) return undefined;
  const root = tag.name as SchemaRoot;
  return { kind: 'document', root, schema: ROOT_SCHEMAS[root], name: KIND_NAMES[root] };
}

export function libvirtKind(text: string): LibvirtKind | undefined {
  const tag = rootStartTag(text);
  return tag ? libvirtKindOf(tag) : undefined;
}

/** The root name of a libvirt document, or undefined for other XML. */
export function libvirtRoot(text: string): string | undefined {
  return libvirtKind(text)?.root;
}

/** Guest XML (a domain or a device fragment for one): what the guest rules and the workspace MAC scans read. */
export function isGuestXml(kind: LibvirtKind | undefined): boolean {
  return kind !== undefined && (kind.kind === 'fragment' || kind.root === 'domain');
}

/** Why a file is not checked: an XML root no libvirt schema has (or in another vocabulary), or no kind at all. */
export function notCheckedReason(text: string): string {
  const tag = rootStartTag(text);
  if (!tag) return 'neither libvirt XML nor a launch script';
  return attributeNames(tag).has('xmlns')
    ? `<${tag.name}> declares a default namespace: not a libvirt XML document`
    : `<${tag.name}> is not a libvirt XML document: no libvirt schema has that root (virt-xml-validate cannot determine its schema either)`;
}

/**
 * The kinds this project knows beyond the schema: guest XML and virtual networks (its rules, its curated completion
 * and hover). Every other kind gets libvirt's schema verdict and schema-driven completion only.
 */
export function isCuratedKind(kind: LibvirtKind): boolean {
  return isGuestXml(kind) || kind.root === 'network';
}

const SHELL_SHEBANG = /^#!\s*\S*\/(?:env\s+)?(?:ba|da|k|z)?sh\b/;

/**
 * Decide what a file is from its name and content. `forceXml` is for files the
 * user declared libvirt XML (the `kvmnet.xml.files` globs).
 */
export function detectDocumentKind(fileName: string, text: string, forceXml = false): DocumentKind | undefined {
  const lower = fileName.toLowerCase();
  if (forceXml || lower.endsWith('.xml') || text.trimStart().startsWith('<')) {
    if (forceXml || libvirtRoot(text) !== undefined) return 'libvirt-xml';
    return undefined;
  }
  if (/\.(sh|bash)$/.test(lower) || SHELL_SHEBANG.test(text)) return 'launch-script';
  return undefined;
}
