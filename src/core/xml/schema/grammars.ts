/*
 * Root element → RelaxNG grammar, compiled once per (schema dir, grammar) and cached.
 * Domain device fragments (<interface>, <hostdev> for virsh attach-device) are NOT the
 * netcf host-interface schema virt-xml-validate would pick for a lone <interface>: they are
 * validated against their own definitions inside the domain schema, through a generated
 * grammar that includes domain.rng and overrides its start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RelaxNGValidator } from 'libxml2-wasm';
import type { LibvirtRoot } from '../../documentKind';
import type { LibxmlModule } from './libxml';

/** A whole document root, or `devicechild`: any one child of <devices> (used to narrow errors down). */
export type GrammarKey = LibvirtRoot | 'devicechild';

const RNG_NS = 'xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"';
const ROOT_FILES: Partial<Record<GrammarKey, string>> = { domain: 'domain.rng', network: 'network.rng', device: 'nodedev.rng' };

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The refs <devices> may contain in this schema version (read from its define, so new devices are covered). */
export function deviceRefs(dir: string): string[] {
  const text = readFileSync(path.join(dir, 'domaincommon.rng'), 'utf8');
  const start = text.indexOf('<define name="devices">');
  const end = text.indexOf('</define>', start);
  if (start < 0 || end < 0) return ['interface', 'hostdev'];
  return [...text.slice(start, end).matchAll(/<ref name="([\w.-]+)"\s*\/>/g)].map((m) => m[1]!);
}

/** Text of a grammar starting at `start` (a RelaxNG pattern) with all of domain.rng's definitions. */
export function domainSubGrammar(dir: string, start: string): string {
  const href = escapeAttr(path.join(dir, 'domain.rng'));
  return `<grammar ${RNG_NS}><include href="${href}"><start>${start}</start></include></grammar>`;
}

function grammarSource(dir: string, key: GrammarKey): { text: string; url: string } {
  const file = ROOT_FILES[key];
  if (file) {
    const url = path.join(dir, file);
    return { text: readFileSync(url, 'utf8'), url };
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
