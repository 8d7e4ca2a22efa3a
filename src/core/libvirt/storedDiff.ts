import type { Finding } from '../findings';
import { childElements, parseXml, type XmlDocument, type XmlElement } from '../xml/document';
import type { DefinitionRef } from './definition';
import { codeIds, defineCodes } from '../rulekit';

/**
 * What libvirt changed when it stored a definition: compares the XML the user defined with the XML libvirt then
 * returns. libvirt drops what it does not know without a word (the complaint about virt-manager's editor), fills
 * in defaults, and rewrites values in its own form. Elements are matched by name and position among same-named
 * siblings, the way libvirt keeps them. Every item is located in the edited text.
 */

/** The editor's report after "Define on Host" (source 'kvmnet'); listed by `kvmnet lint --list-rules` too. */
export const STORED_CODES = defineCodes({
  Dropped: { id: 'libvirt-dropped', doc: 'libvirt silently dropped this element or attribute when it stored the definition: it does not know it there, so it has no effect.' },
  Changed: { id: 'libvirt-changed', doc: 'libvirt stored this value in another form than written (its own spelling of the same setting, or a corrected value).' },
  Added: { id: 'libvirt-added', doc: 'libvirt filled in elements here when it stored the definition (defaults it chose, such as PCI addresses and controllers).' },
});
const StoredCode = codeIds(STORED_CODES);

const SOURCE = 'kvmnet' as const;

export function storedDifferences(edited: string, stored: string): Finding[] {
  const a = parseXml(edited);
  const b = parseXml(stored);
  if (!a.root || !b.root || a.error || b.error) return [];
  const out: Finding[] = [];
  compare(a, a.root, b.root, out);
  return out;
}

function compare(doc: XmlDocument, mine: XmlElement, theirs: XmlElement, out: Finding[]): void {
  const at = (span: { start: number; end: number }) => doc.rangeOf(span);
  for (const attr of mine.attributes) {
    if (attr.name.startsWith('xmlns')) continue;
    const kept = theirs.attributes.find((x) => x.name === attr.name);
    if (!kept) {
      out.push({ range: at(attr.span), severity: 'warning', code: StoredCode.Dropped, source: SOURCE, message: `libvirt dropped the attribute ${attr.name}='${attr.value}' of <${mine.name}>: it does not know it here, so it has no effect.` });
    } else if (!sameValue(attr.value, kept.value)) {
      out.push({ range: at(attr.valueSpan), severity: 'info', code: StoredCode.Changed, source: SOURCE, message: `libvirt stored ${attr.name}='${kept.value}' (written '${attr.value}').` });
    }
  }
  const text = ownText(mine);
  const storedText = ownText(theirs);
  if (text !== '' && storedText !== '' && !sameValue(text, storedText)) {
    out.push({ range: at(mine.openTagSpan), severity: 'info', code: StoredCode.Changed, source: SOURCE, message: `libvirt stored <${mine.name}>${storedText}</${mine.name}> (written ${text}).` });
  }
  const seen = new Map<string, number>();
  for (const child of childElements(mine)) {
    const k = seen.get(child.name) ?? 0;
    seen.set(child.name, k + 1);
    const match = childElements(theirs, child.name)[k];
    if (match) compare(doc, child, match, out);
    else out.push({ range: at(child.openTagSpan), severity: 'warning', code: StoredCode.Dropped, source: SOURCE, message: `libvirt dropped <${child.name}> from <${mine.name}>: it does not know it here, so it has no effect.` });
  }
  // Elements libvirt filled in (defaults, generated addresses): one item per parent, on its open tag.
  const added: string[] = [];
  const counts = new Map<string, number>();
  for (const child of childElements(mine)) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
  const storedCounts = new Map<string, number>();
  for (const child of childElements(theirs)) storedCounts.set(child.name, (storedCounts.get(child.name) ?? 0) + 1);
  for (const [name, n] of storedCounts) if (n > (counts.get(name) ?? 0)) added.push(n - (counts.get(name) ?? 0) > 1 ? `<${name}> ×${n - (counts.get(name) ?? 0)}` : `<${name}>`);
  if (added.length > 0) {
    out.push({ range: at(mine.nameSpan), severity: 'info', code: StoredCode.Added, source: SOURCE, message: `libvirt filled in ${added.join(', ')} in <${mine.name}> (defaults it chose).` });
  }
}

function ownText(el: XmlElement): string {
  return el.children
    .filter((c) => c.kind === 'text')
    .map((c) => c.text)
    .join('')
    .trim();
}

/** libvirt writes numbers in its own base and MACs in lower case: the same value is no change. */
function sameValue(a: string, b: string): boolean {
  if (a === b || a.toLowerCase() === b.toLowerCase()) return true;
  const na = number(a);
  const nb = number(b);
  return na !== undefined && na === nb;
}

function number(v: string): number | undefined {
  const t = v.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return undefined;
}

/**
 * Refuses a definition that would not replace the one opened: libvirt defines by UUID (else by name), so another
 * UUID or name would create or overwrite a different guest.
 */
export function identityProblem(xml: string, ref: DefinitionRef): string | undefined {
  const id = readIdentity(xml);
  if ('problem' in id) return id.problem;
  const root = ref.kind === 'domain' ? 'domain' : 'network';
  if (id.root !== root) return `the root element must stay <${root}>`;
  if (id.uuidText !== undefined && normalizeUuid(id.uuidText) !== normalizeUuid(ref.uuid)) return `the <uuid> must stay ${ref.uuid}: another UUID defines another ${ref.kind}`;
  if (id.name !== ref.name) return `the <name> must stay ${ref.name}: renaming is virsh ${ref.kind === 'domain' ? 'domrename' : 'net-define'} of a new ${ref.kind}, not an edit`;
  return undefined;
}

/** Who a new definition is, before "Define on Host": its name and UUID (if written), or why it cannot be defined. */
export type NewDefinition = { readonly name: string; readonly uuid?: string } | { readonly problem: string };

export function newDefinition(xml: string, kind: DefinitionRef['kind']): NewDefinition {
  const id = readIdentity(xml);
  if ('problem' in id) return id;
  const root = kind === 'domain' ? 'domain' : 'network';
  if (id.root !== root) return { problem: `the root element is <${id.root}>, not <${root}>` };
  const name = id.name?.trim();
  if (!name) return { problem: `the ${kind} has no <name>` };
  if (id.uuidText === undefined) return { name };
  const uuid = normalizeUuid(id.uuidText);
  return uuid ? { name, uuid } : { problem: `<uuid>${id.uuidText.trim().slice(0, 60)}</uuid> is not a UUID` };
}

/** A definition's root element, `<name>` text and `<uuid>` text as written, or why the XML cannot be read. */
function readIdentity(xml: string): { readonly root: string; readonly name?: string; readonly uuidText?: string } | { readonly problem: string } {
  const doc = parseXml(xml);
  if (!doc.root || doc.error) return { problem: `the document is not well-formed XML${doc.error ? `: ${doc.error.message}` : ''}` };
  const name = childElements(doc.root, 'name')[0];
  const uuid = childElements(doc.root, 'uuid')[0];
  return { root: doc.root.name, ...(name ? { name: ownText(name) } : {}), ...(uuid ? { uuidText: ownText(uuid) } : {}) };
}

const UUID_TEXT = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** libvirt takes a UUID with or without dashes, in either case; it prints the dashed lower-case form. */
function normalizeUuid(text: string): string | undefined {
  const t = text.trim();
  return UUID_TEXT.test(t) ? t.replace(/-/g, '').toLowerCase().replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : undefined;
}

/**
 * Why defining `def` on a host would not create a new guest: libvirt replaces the definition of a guest with the
 * same UUID, and refuses a name held by another UUID. Either way the user meant something else ("Open Definition").
 */
export function existingHolder(def: { readonly name: string; readonly uuid?: string }, existing: readonly { readonly name: string; readonly uuid: string }[]): string | undefined {
  const byUuid = def.uuid ? existing.find((g) => g.uuid.toLowerCase() === def.uuid) : undefined;
  if (byUuid) return `a guest with UUID ${def.uuid} is already defined there (${byUuid.name})`;
  const byName = existing.find((g) => g.name === def.name);
  return byName ? `a guest named ${def.name} is already defined there` : undefined;
}
