/** The document kinds the linters understand; anything else is left alone. */
export type DocumentKind = 'libvirt-xml' | 'launch-script';

/** Root elements that make an XML document libvirt's (domain, network, domain device fragments, node device). */
export const LIBVIRT_ROOTS = ['domain', 'network', 'interface', 'hostdev', 'device'] as const;
export type LibvirtRoot = (typeof LIBVIRT_ROOTS)[number];

/** How far rootElementName looks: 64 KiB is enough for any real prolog. */
export const ROOT_SCAN_CHARS = 65536;

/**
 * Name of the first element, skipping the XML declaration, processing
 * instructions, comments and a DOCTYPE. Returns undefined when there is none
 * in the first ROOT_SCAN_CHARS characters.
 */
export function rootElementName(text: string): string | undefined {
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
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(lt, lt + 256));
      return m?.[1];
    }
  }
  return undefined;
}

export function libvirtRoot(text: string): LibvirtRoot | undefined {
  const name = rootElementName(text);
  return (LIBVIRT_ROOTS as readonly string[]).includes(name ?? '') ? (name as LibvirtRoot) : undefined;
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
