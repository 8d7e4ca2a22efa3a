/** PCI address `DDDD:BB:DD.F`, always lower-case hex and 4-digit domain once parsed. */
export type Bdf = string & { readonly __brand: 'Bdf' };

const BDF_PATTERN = /^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/;

/** Strict BDF check (before any use in a path or command); accepts `BB:DD.F` and `DDDD:BB:DD.F`. */
export function parseBdf(value: string): Bdf | undefined {
  const v = value.trim();
  if (!BDF_PATTERN.test(v)) return undefined;
  return (v.length === 7 ? `0000:${v}` : v).toLowerCase() as Bdf;
}
