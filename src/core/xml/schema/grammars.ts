/*
 * libvirt document kind → RelaxNG grammar, compiled once per (schema dir, grammar) and cached.
 * A whole document is validated against the schema file virt-xml-validate picks for its root.
 * Guest device fragments (<interface>, <hostdev> for virsh attach-device) are validated against
 * their own definitions inside the domain schema, through a generated grammar that includes
 * domain.rng and overrides its start (a host <interface> has name= and gets interface.rng).
 */
import path from 'node:path';
import type { RelaxNGValidator } from 'libxml2-wasm';
import type { LibvirtKind } from '../../documentKind';
import type { LibxmlModule } from './libxml';
import { schemaFileText } from './schemaFiles';

/**
 * A schema file (`domain.rng`, `network.rng` …: a whole document); a guest device fragment's root
 * (`interface`, `hostdev`); `devicechild`: any one child of <devices> (to narrow errors down);
 * `devices`: a <devices> element alone (to validate a large one in chunks).
 */
export type GrammarKey = `${string}.rng` | 'interface' | 'hostdev' | 'devicechild' | 'devices';

/** The grammar a libvirt document of this kind is validated against. */
export function grammarKeyOf(kind: LibvirtKind): GrammarKey {
  return kind.kind === 'document' ? (kind.schema as `${string}.rng`) : kind.root;
}

const RNG_NS = 'xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"';

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The refs <devices> may contain in this schema version (read from its define, so new devices are covered). */
export function deviceRefs(dir: string): string[] {
  const text = schemaFileText(path.join(dir, 'domaincommon.rng'));
  const start = text.indexOf('<define name="devices">');
  const end = text.indexOf('</define>', start);
  if (start < 0 || end < 0) return ['interface', 'hostdev'];
  return [...text.slice(start, end).matchAll(/<ref name="([\w.-]+)"\s*\/>/g)].map((m) => m[1]!);
}

/**
 * Names of the elements <devices> may hold at most once (its `<optional><ref/></optional>` parts),
 * or undefined when the define is not the plain interleave of optional/zeroOrMore refs this
 * relies on. With them a large <devices> can be checked in chunks with exactly the same verdict
 * (used to locate the errors of a large invalid domain part by part).
 */
export function deviceSingletons(dir: string): Set<string> | undefined {
  const text = schemaFileText(path.join(dir, 'domaincommon.rng'));
  const m = /<define name="devices">\s*<element name="devices">\s*<interleave>([\s\S]*?)<\/interleave>\s*<\/element>\s*<\/define>/.exec(text);
  if (!m) return undefined;
  let rest = m[1]!.replace(/<!--[\s\S]*?-->/g, '');
  const singletons = new Set<string>();
  rest = rest.replace(/<optional>\s*<ref name="([\w.-]+)"\s*\/>\s*<\/optional>/g, (_, ref: string) => {
    singletons.add(ref);
    return '';
  });
  rest = rest.replace(/<zeroOrMore>\s*(<choice>(\s*<ref name="[\w.-]+"\s*\/>)+\s*<\/choice>|<ref name="[\w.-]+"\s*\/>)\s*<\/zeroOrMore>/g, '');
  if (rest.trim() !== '') return undefined;
  // Each singleton ref must be a define holding exactly its own element name.
  for (const ref of singletons) {
    if (!new RegExp(`<define name="${ref}">\\s*<element name="${ref}">`).test(text)) return undefined;
  }
  return singletons;
}

/** Text of a grammar starting at `start` (a RelaxNG pattern) with all of domain.rng's definitions. */
export function domainSubGrammar(dir: string, start: string): string {
  const href = escapeAttr(path.join(dir, 'domain.rng'));
  return `<grammar ${RNG_NS}><include href="${href}"><start>${start}</start></include></grammar>`;
}

function grammarSource(dir: string, key: GrammarKey): { text: string; url: string } {
  if (key.endsWith('.rng')) {
    const url = path.join(dir, key);
    return { text: schemaFileText(url), url };
  }
  const start =
    key === 'devicechild' ? `<choice>${deviceRefs(dir).map((r) => `<ref name="${r}"/>`).join('')}</choice>` : `<ref name="${key}"/>`;
  return { text: domainSubGrammar(dir, start), url: path.join(dir, `kvmnet-${key}.rng`) };
}

const cache = new Map<string, RelaxNGValidator>();

/** The compiled validator for `key` in `dir` (compiled on first use: ~30–130 ms). */
export function grammarFor(lib: LibxmlModule, dir: string, key: GrammarKey): RelaxNGValidator {
  const cacheKey = `${dir}\u0000${key}`;
  let v = cache.get(cacheKey);
  if (!v) {
    const { text, url } = grammarSource(dir, key);
    const doc = lib.XmlDocument.fromString(text, { url });
    try {
      v = lib.RelaxNGValidator.fromDoc(doc);
    } finally {
      doc.dispose();
    }
    cache.set(cacheKey, v);
  }
  return v;
}
