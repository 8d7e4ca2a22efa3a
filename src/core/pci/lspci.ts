import { parseBdf, type Bdf } from './bdf';

/** Names one line of `lspci -mm -nn [-D]` gives a function; the ids in brackets are kept to cross-check. */
export interface LspciNames {
  readonly bdf: Bdf;
  readonly className?: string;
  readonly classId?: string;
  readonly vendorName?: string;
  readonly vendorId?: string;
  readonly deviceName?: string;
  readonly deviceId?: string;
}

const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const NAME_ID = /^(.*?)\s*\[([0-9a-fA-F]{4})\]$/;
/** What lspci prints when pci.ids has no name: not a name. */
const PLACEHOLDER = /^(Device|Vendor|Class|Unassigned class)(\s+[0-9a-fA-F]{4})?$/;

function nameAndId(field: string | undefined): { name?: string; id?: string } {
  if (field === undefined) return {};
  const m = NAME_ID.exec(field.trim());
  const name = (m ? m[1]! : field).trim();
  const id = m ? m[2]!.toLowerCase() : undefined;
  return { ...(name !== '' && !PLACEHOLDER.test(name) ? { name } : {}), ...(id ? { id } : {}) };
}

/** Parses one `lspci -mm -nn` line; undefined when it is not one. Untrusted input: never throws. */
export function parseLspciMmLine(line: string): LspciNames | undefined {
  const m = /^(\S+)\s+(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const bdf = parseBdf(m[1]!);
  if (!bdf) return undefined;
  const fields = [...m[2]!.matchAll(QUOTED)].map((q) => q[1]!);
  if (fields.length < 3) return undefined;
  const cls = nameAndId(fields[0]);
  const vendor = nameAndId(fields[1]);
  const device = nameAndId(fields[2]);
  return {
    bdf,
    ...(cls.name ? { className: cls.name } : {}),
    ...(cls.id ? { classId: cls.id } : {}),
    ...(vendor.name ? { vendorName: vendor.name } : {}),
    ...(vendor.id ? { vendorId: vendor.id } : {}),
    ...(device.name ? { deviceName: device.name } : {}),
    ...(device.id ? { deviceId: device.id } : {}),
  };
}
