import * as path from 'node:path';
import { HostSpecError, parseHostSpec } from './hostSpec';

/** `Keyword args` or `Keyword=args` (ssh_config(5)); the keyword is case-insensitive. */
function directive(line: string, keyword: string): string[] | undefined {
  const m = new RegExp(`^\\s*${keyword}(?:\\s*=\\s*|\\s+)(.*)$`, 'i').exec(line);
  if (!m) return undefined;
  // Arguments are whitespace-separated; a double-quoted one may contain spaces.
  return [...m[1]!.replace(/#.*$/, '').matchAll(/"([^"]*)"|([^\s"]+)/g)].map((a) => a[1] ?? a[2]!).filter((a) => a !== '');
}

/** The aliases of one `Host` line that are concrete and safe to hand to ssh. */
function concreteAliases(line: string): string[] {
  return (directive(line, 'Host') ?? []).filter((a) => {
    if (/[*?!]/.test(a)) return false;
    try {
      return parseHostSpec(a).kind === 'ssh';
    } catch (e) {
      if (!(e instanceof HostSpecError)) throw e;
      return false;
    }
  });
}

/**
 * Concrete host aliases of an OpenSSH client config (`Host` lines), for offering them as
 * explorer hosts. Patterns (`*`, `?`, `!`) are not hosts; every alias must also pass
 * parseHostSpec, so nothing option-like or with shell metacharacters is ever offered.
 */
export function sshConfigHosts(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).flatMap(concreteAliases))];
}

/** What reading a config with its Includes needs from the file system (undefined: absent or unreadable). */
export interface SshConfigFs {
  readFile(file: string): Promise<string | undefined>;
  readdir(dir: string): Promise<string[] | undefined>;
}

/** ssh stops at this Include depth (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16;

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Expands `*` and `?` in any path component, in sorted order like glob(3); dot files only when named so. */
async function expandGlob(pattern: string, fs: SshConfigFs): Promise<string[]> {
  const parts = pattern.split('/');
  let found = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    if (!/[*?]/.test(part)) {
      found = found.map((p) => path.join(p, part));
      continue;
    }
    const re = globRegExp(part);
    const next: string[] = [];
    for (const dir of found) {
      for (const name of ((await fs.readdir(dir)) ?? []).sort()) {
        if (re.test(name) && (!name.startsWith('.') || part.startsWith('.'))) next.push(path.join(dir, name));
      }
    }
    found = next;
  }
  return found;
}

/**
 * The concrete aliases of a user's ssh config file and the files it `Include`s, in file order.
 * As ssh does for a user config: `~/` is the home, relative paths are below ~/.ssh, globs expand.
 * Includes inside Host/Match blocks are followed too (they may declare hosts worth offering);
 * absent files are skipped, each file is read once, and a chain deeper than ssh's limit stops.
 */
export async function sshConfigHostsWithIncludes(file: string, home: string, fs: SshConfigFs): Promise<string[]> {
  const out = new Set<string>();
  // Each file is read once: a second read adds no alias, and files including each other would loop.
  const read = new Set<string>();
  const visit = async (f: string, depth: number): Promise<void> => {
    if (depth > MAX_INCLUDE_DEPTH || read.has(f)) return;
    read.add(f);
    const text = await fs.readFile(f);
    if (text === undefined) return;
    for (const line of text.split(/\r?\n/)) {
      for (const a of concreteAliases(line)) out.add(a);
      for (const inc of directive(line, 'Include') ?? []) {
        const full = inc.startsWith('~/') ? path.join(home, inc.slice(2)) : path.isAbsolute(inc) ? inc : path.join(home, '.ssh', inc);
        for (const g of await expandGlob(full, fs)) await visit(g, depth + 1);
      }
    }
  };
  await visit(file, 0);
  return [...out];
}
