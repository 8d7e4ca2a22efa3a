// Pathological libvirt XML shapes (issue #12): each a function of its size n, for the hostile tests and the bench.
const rep = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('');
const hex2 = (i: number): string => (i & 255).toString(16).padStart(2, '0');

export const domain = (devices: string, rootAttrs = ''): string =>
  `<domain type='kvm'${rootAttrs}>\n  <name>hostile</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;

/** n NICs, each with a schema error (decimal PCI slot) and a rule finding (no <model>). */
export const badNics = (n: number): string => domain(rep(n, (i) => `    <interface type='network'><source network='default'/><address type='pci' slot='${i}'/></interface>\n`));

export const XML_SHAPES: Record<string, (n: number) => string> = {
  'attributes on the root': (n) => domain('', rep(n, (i) => ` a${i}='x'`)),
  'attributes on the root, one per line': (n) => domain('', rep(n, (i) => `\n    a${i}='x'`)),
  'attributes on a NIC': (n) => domain(`<interface type='network'${rep(n, (i) => ` a${i}='x'`)}><source network='default'/></interface>`),
  'namespace declarations': (n) => domain('', rep(n, (i) => ` xmlns:n${i}='urn:x${i}'`)),
  'deep nesting': (n) => domain(`<interface type='network'><source network='default'/>${'<x>'.repeat(n)}${'</x>'.repeat(n)}</interface>`),
  'many NICs': (n) => domain(rep(n, (i) => `    <interface type='network'><source network='default'/><mac address='52:54:00:00:${hex2(i >> 8)}:${hex2(i)}'/><model type='virtio'/></interface>\n`)),
  'many invalid NICs': badNics,
  'unknown elements': (n) => domain(rep(n, (i) => `<foo${i % 10}/>\n`)),
  'one long line of NICs': (n) => domain(rep(n, () => `<interface type='network'><source network='default'/></interface>`)),
  'huge attribute value': (n) => domain(`<interface type='network'><source network='${'a'.repeat(n * 20)}'/></interface>`),
  'entity and character references': (n) => domain(`<interface type='network'><source network='${'&amp;&#x41;'.repeat(n)}'/></interface>`),
  comments: (n) => domain(rep(n, (i) => `<!-- comment ${i} -->`)),
};
