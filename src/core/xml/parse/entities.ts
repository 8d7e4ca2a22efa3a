// Entity and character references. Only XML's five predefined entities exist in
// libvirt documents (they carry no DTD), so any other name is an error, as in libxml2.

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z_:][\w.:-]*));/g;

function legalCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function resolve(hex: string | undefined, dec: string | undefined, name: string | undefined): string | undefined {
  if (name !== undefined) return PREDEFINED[name];
  const digits = hex ?? dec ?? '';
  if (digits.length > 8) return undefined;
  const cp = parseInt(digits, hex !== undefined ? 16 : 10);
  return legalCodePoint(cp) ? String.fromCodePoint(cp) : undefined;
}

export interface BadReference {
  readonly index: number;
  readonly length: number;
  readonly message: string;
}

/** The first "&" that does not start a valid reference, located within `raw`. */
export function findBadReference(raw: string): BadReference | undefined {
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', amp + 1)) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m || m.index !== amp) {
      return { index: amp, length: 1, message: '"&" must start an entity reference such as &amp; (write &amp; for a literal "&").' };
    }
    if (resolve(m[1], m[2], m[3]) === undefined) {
      return { index: amp, length: m[0].length, message: m[3] ? `Unknown entity ${m[0]}: only &amp; &lt; &gt; &quot; &apos; exist.` : `${m[0]} is not a legal XML character.` };
    }
  }
  return undefined;
}

/** Decodes references; call only on text findBadReference accepted. */
export function decodeText(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  // Pieces joined once, each distinct reference resolved once: a replace() callback per reference made
  // 100,000 references spend most of their time in the garbage collector.
  const parts: string[] = [];
  const resolved = new Map<string, string>();
  let at = 0;
  for (; amp >= 0; amp = raw.indexOf('&', at)) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m || m.index !== amp) break; // findBadReference rejected such text already
    let value = resolved.get(m[0]);
    if (value === undefined) resolved.set(m[0], (value = resolve(m[1], m[2], m[3]) ?? m[0]));
    parts.push(raw.slice(at, amp), value);
    at = amp + m[0].length;
  }
  parts.push(raw.slice(at));
  return parts.join('');
}

/** Attribute-value normalisation (XML 1.0 §3.3.3): literal tab/CR/LF become spaces, references do not. */
export function decodeAttribute(raw: string): string {
  return decodeText(raw.replace(/\r\n|[\t\n\r]/g, ' '));
}
