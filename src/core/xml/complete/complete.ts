import { isCuratedKind, libvirtKind } from '../../documentKind';
import type { Span } from '../document';
import { cursorAt } from './cursor';
import { schemaModelFor, type PathStep } from './schemaModel';
import { elementSpec as tableSpec, type AttrSpec, type ElementSpec } from './table';

export interface XmlCompletion {
  readonly label: string;
  readonly kind: 'element' | 'attribute' | 'value';
  /** Text to insert, in VS Code snippet syntax. */
  readonly insert: string;
  readonly documentation: string;
  /** The text the completion replaces (what the user typed of the name or value). */
  readonly replace: Span;
  /** Ask the editor for completions again after inserting (attribute name → its values). */
  readonly retrigger?: boolean;
}

/** Attributes of an element that apply under the owner's type. */
export function applicableAttributes(spec: ElementSpec | undefined, ownerType: string | undefined): [string, AttrSpec][] {
  return Object.entries(spec?.attributes ?? {}).filter(([, a]) => !a.forTypes || ownerType === undefined || a.forTypes.includes(ownerType));
}

function allowedChildren(spec: ElementSpec | undefined, ownerType: string | undefined): string[] {
  const extra = ownerType !== undefined ? (spec?.childrenForTypes?.[ownerType] ?? []) : Object.values(spec?.childrenForTypes ?? {}).flat();
  return [...(spec?.children ?? []), ...extra];
}

/** The table's children that may still be added next to `present` (no schema set: its own cardinality and choice). */
function stillAllowed(spec: ElementSpec | undefined, names: readonly string[], present: readonly { name: string }[]): string[] {
  const there = new Set(present.map((c) => c.name));
  const chosen = spec?.oneOf?.find((n) => there.has(n));
  return names.filter((n) => (!there.has(n) || spec?.repeatable?.includes(n)) && !(chosen !== undefined && n !== chosen && spec?.oneOf?.includes(n)));
}

/** Curated names first, in the table's order (the networking items people want most), then the schema's. */
function preferred(curated: readonly string[], schema: readonly string[] | undefined): string[] {
  if (!schema) return [...curated];
  const allowed = new Set(schema);
  return [...new Set([...curated.filter((n) => allowed.has(n)), ...schema])];
}

function withoutAttr(steps: readonly PathStep[], attr: string): PathStep[] {
  const last = steps[steps.length - 1]!;
  return [...steps.slice(0, -1), { name: last.name, attrs: new Map([...last.attrs].filter(([k]) => k !== attr)) }];
}

/**
 * Completions at `offset`. With `schemaDir` (a libvirt schema set) names and enumerated values come
 * from the RelaxNG schema for every element; the curated table adds docs and ordering. Without it,
 * only the curated networking table answers.
 */
export function completeXml(text: string, offset: number, schemaDir?: string): XmlCompletion[] {
  const cursor = cursorAt(text, offset);
  if (!cursor) return [];
  const kind = libvirtKind(text);
  const model = schemaDir !== undefined ? schemaModelFor(schemaDir, kind) : undefined;
  // The curated table speaks of guests and networks; other kinds (a host interface, a pool) get the schema alone.
  const curatedApplies = kind === undefined || isCuratedKind(kind);
  if (!curatedApplies && !model) return [];
  const elementSpec = curatedApplies ? tableSpec : (): undefined => undefined;
  if (cursor.kind === 'element-name') {
    const parent = elementSpec(cursor.parentPath);
    // A fragment file (<interface> or <hostdev> root) or an empty file: offer the roots.
    const curated = cursor.parentPath.length === 0 ? ['domain', 'network', 'interface', 'hostdev'] : allowedChildren(parent, cursor.ownerType);
    const present = cursor.steps[cursor.steps.length - 1]?.children ?? [];
    const names = model ? preferred(curated, model.childNames(cursor.steps)) : stillAllowed(parent, curated, present);
    return names.map((name) => ({
      label: name,
      kind: 'element',
      insert: name,
      documentation: elementSpec([...cursor.parentPath, name])?.doc ?? '',
      replace: cursor.replace,
    }));
  }
  const spec = elementSpec(cursor.path);
  if (cursor.kind === 'attribute-name') {
    const table = new Map(applicableAttributes(spec, cursor.ownerType));
    const steps = withoutAttr(cursor.steps, cursor.typed);
    const names = model ? preferred([...table.keys()], model.attributeNames(steps)) : [...table.keys()];
    return names
      .filter((name) => !cursor.present.includes(name))
      .map((name) => {
        const a = table.get(name);
        const hasValues = a?.values !== undefined || (model?.attributeValues(steps, name)?.length ?? 0) > 0;
        return { label: name, kind: 'attribute', insert: `${name}='$1'$0`, documentation: a?.doc ?? '', replace: cursor.replace, retrigger: hasValues };
      });
  }
  const attr = applicableAttributes(spec, cursor.ownerType).find(([name]) => name === cursor.attribute)?.[1];
  const quote = (v: string) => (cursor.needsQuotes ? `'${v}'` : v);
  const docs = attr?.values ?? {};
  const schemaValues = model?.attributeValues(cursor.steps, cursor.attribute);
  // The schema's values when it enumerates them (interface types, modes…); a free-form pattern (NIC models) keeps the table's.
  const values = schemaValues && schemaValues.length > 0 ? preferred(Object.keys(docs), schemaValues) : Object.keys(docs);
  return values.map((value) => ({ label: value, kind: 'value', insert: quote(value), documentation: docs[value] ?? '', replace: cursor.replace }));
}
