import { HostSpecError, parseHostSpec } from './hostSpec';

/**
 * Concrete host aliases of an OpenSSH client config (`Host` lines), for offering them as
 * explorer hosts. Patterns (`*`, `?`, `!`) are not hosts; every alias must also pass
 * parseHostSpec, so nothing option-like or with shell metacharacters is ever offered.
 */
export function sshConfigHosts(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*Host(?:\s*=\s*|\s+)(.*)$/i.exec(raw);
    if (!m) continue;
    for (const alias of m[1]!.replace(/#.*$/, '').trim().split(/\s+/)) {
      const a = alias.replace(/^"(.*)"$/, '$1');
      if (a === '' || /[*?!]/.test(a) || out.includes(a)) continue;
      try {
        if (parseHostSpec(a).kind === 'ssh') out.push(a);
      } catch (e) {
        if (!(e instanceof HostSpecError)) throw e;
      }
    }
  }
  return out;
}
