import type { Span } from '../document';
import { cursorAt } from './cursor';
import { elementSpec, type AttrSpec, type ElementSpec } from './table';

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

/** Completions at `offset` from the curated networking table; empty where it knows nothing. */
export function completeXml(text: string, offset: number): XmlCompletion[] {
  const cursor = cursorAt(text, offset);
  if (!cursor) return [];
  if (cursor.kind === 'element-name') {
    const parent = elementSpec(cursor.parentPath);
    // A fragment file (<interface> or <hostdev> root) or an empty file: offer the roots.
    const names = cursor.parentPath.length === 0 ? ['domain', 'network', 'interface', 'hostdev'] : allowedChildren(parent, cursor.ownerType);
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
    return applicableAttributes(spec, cursor.ownerType)
      .filter(([name]) => !cursor.present.includes(name))
      .map(([name, a]) => ({ label: name, kind: 'attribute', insert: `${name}='$1'$0`, documentation: a.doc, replace: cursor.replace, retrigger: a.values !== undefined }));
  }
  const attr = applicableAttributes(spec, cursor.ownerType).find(([name]) => name === cursor.attribute)?.[1];
  const quote = (v: string) => (cursor.needsQuotes ? `'${v}'` : v);
  return Object.entries(attr?.values ?? {}).map(([value, doc]) => ({ label: value, kind: 'value', insert: quote(value), documentation: doc, replace: cursor.replace }));
}
