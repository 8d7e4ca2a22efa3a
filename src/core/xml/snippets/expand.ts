/**
 * Expands a VS Code snippet body with its default values: `${1:text}` → text
 * (nested placeholders expanded too), `${1|a,b|}` → a, `$1`/`${1}`/`$0` → ''.
 * Variables (`$TM_…`) are not used by our snippets and expand to ''. Used by the
 * tests to validate what the user gets when accepting every default.
 */
export function expandSnippet(body: string | readonly string[]): string {
  const text = typeof body === 'string' ? body : body.join('\n');
  let out = '';
  let i = 0;
  const parse = (stopAt: string | undefined): string => {
    let acc = '';
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        acc += text[i + 1];
        i += 2;
      } else if (stopAt !== undefined && c === stopAt) {
        return acc;
      } else if (c === '$') {
        acc += placeholder();
      } else {
        acc += c;
        i++;
      }
    }
    return acc;
  };
  const placeholder = (): string => {
    const simple = /^\$(\d+|[A-Z_]+)/.exec(text.slice(i));
    if (simple) {
      i += simple[0].length;
      return '';
    }
    const choice = /^\$\{\d+\|([^|]*)\|\}/.exec(text.slice(i));
    if (choice) {
      i += choice[0].length;
      return choice[1]!.split(',')[0]!.replace(/\\(.)/g, '$1');
    }
    const open = /^\$\{(\d+|[A-Z_]+)(:?)/.exec(text.slice(i));
    if (!open) {
      i++;
      return '$';
    }
    i += open[0].length;
    const value = open[2] ? parse('}') : '';
    i++; // the closing brace
    return value;
  };
  out = parse(undefined);
  return out.replace(/\t/g, '  ');
}
