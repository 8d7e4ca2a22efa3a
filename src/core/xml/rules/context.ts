import { Reporter, type OffsetEdit } from '../../rulekit';
import { XmlCode } from '../codes';
import { attribute, type Span, type XmlDocument, type XmlElement } from '../document';

/** What a rule gets: the parsed document and a sink for findings (source 'kvmnet-xml'). */
export class RuleContext extends Reporter<typeof XmlCode> {
  /** Once per document: a scan per fix was quadratic on a file with thousands of NICs and no indented line. */
  private indentStep: string | undefined;

  constructor(readonly doc: XmlDocument) {
    super(XmlCode, 'kvmnet-xml', doc.index);
  }

  /** Where to point for an element: its attribute `name` when present, else its name. */
  spanOf(el: XmlElement, name?: string): Span {
    return (name ? attribute(el, name)?.span : undefined) ?? el.nameSpan;
  }

  lineOf(el: XmlElement): number {
    return this.doc.index.positionAt(el.span.start).line + 1;
  }

  /** Removes an element together with its line when it stands alone on it. */
  removeElement(el: XmlElement): OffsetEdit {
    const text = this.doc.text;
    let start = el.span.start;
    let end = el.span.end;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    const ownLine = start === 0 || text[start - 1] === '\n';
    if (ownLine && text[end] === '\n') end++;
    else if (ownLine && text.startsWith('\r\n', end)) end += 2;
    else start = el.span.start;
    return this.edit({ start, end }, '');
  }

  /** Inserts a child element as the last child, indented like its siblings; expands `<x/>`. */
  appendChild(el: XmlElement, markup: string): OffsetEdit {
    const text = this.doc.text;
    // The line start from the line index: searching back for '\n' was quadratic on one long line of NICs.
    const lineStart = el.span.start - this.doc.index.positionAt(el.span.start).character;
    let indentEnd = lineStart;
    while (indentEnd < el.span.start && (text[indentEnd] === ' ' || text[indentEnd] === '\t')) indentEnd++;
    const indent = text.slice(lineStart, indentEnd);
    const step = (this.indentStep ??= detectIndentStep(text));
    if (el.selfClosing) {
      const slash = el.openTagSpan.end - 2;
      return this.edit({ start: slash, end: el.openTagSpan.end }, `>\n${indent}${step}${markup}\n${indent}</${el.name}>`);
    }
    const closeStart = text.lastIndexOf('</', el.span.end);
    const before = text.slice(el.openTagSpan.end, closeStart);
    if (!before.includes('\n')) return this.edit({ start: closeStart, end: closeStart }, markup);
    // Insert after the last non-space content, on its own line.
    let at = closeStart;
    while (at > el.openTagSpan.end && /[ \t\r\n]/.test(text[at - 1]!)) at--;
    return this.edit({ start: at, end: at }, `\n${indent}${step}${markup}`);
  }
}

function detectIndentStep(text: string): string {
  const m = /\n([ \t]+)</.exec(text);
  return m?.[1]?.startsWith('\t') ? '\t' : '  ';
}
