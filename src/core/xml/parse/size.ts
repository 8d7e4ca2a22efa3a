/*
 * Element and attribute counts of a text, by a linear scan that builds nothing: enough to decide whether a
 * file is too big to explain in full (limits.ts) before paying for a positioned parse.
 */

export interface MarkupSize {
  readonly elements: number;
  readonly attributes: number;
}

/** Counts start tags and their attributes; comments, CDATA, PIs and declarations are skipped. */
export function markupSize(text: string): MarkupSize {
  let elements = 0;
  let attributes = 0;
  for (let lt = text.indexOf('<'); lt >= 0 && lt < text.length; ) {
    const next = text.charCodeAt(lt + 1);
    let end: number;
    if (text.startsWith('<!--', lt)) end = close(text, '-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) end = close(text, ']]>', lt + 9);
    else if (next === 0x3f /* ? */) end = close(text, '?>', lt + 2);
    else if (next === 0x21 /* ! */ || next === 0x2f /* / */) end = close(text, '>', lt + 2);
    else {
      elements++;
      end = text.length;
      // Inside a start tag: each '=' outside a quoted value is one attribute.
      for (let i = lt + 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x3e /* > */ || c === 0x3c /* < */) {
          end = c === 0x3e ? i + 1 : i;
          break;
        }
        if (c === 0x3d /* = */) attributes++;
        else if (c === 0x22 || c === 0x27) {
          const q = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
          if (q < 0) break;
          i = q;
        }
      }
    }
    lt = text.indexOf('<', end);
  }
  return { elements, attributes };
}

function close(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? text.length : at + marker.length;
}
