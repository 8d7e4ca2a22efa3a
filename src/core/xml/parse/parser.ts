import type { Span, XmlAttribute, XmlElement, XmlNode, XmlParseError } from '../document';
import { decodeAttribute, decodeText, findBadReference } from './entities';

/*
 * A hand-written, position-keeping XML 1.0 well-formedness parser. Off-the-shelf
 * parsers here either drop source positions (fast-xml-parser) or only give lines
 * (libxml2), and diagnostics need exact attribute and value ranges. It stops at the
 * first error so the user sees one located error instead of a cascade.
 */

interface MutableElement {
  kind: 'element';
  name: string;
  parent: MutableElement | undefined;
  attributes: XmlAttribute[];
  children: XmlNode[];
  nameSpan: Span;
  openTagSpan: Span;
  span: Span;
  selfClosing: boolean;
  closed: boolean;
}

class ParseStop extends Error {
  constructor(readonly detail: XmlParseError) {
    super(detail.message);
  }
}

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF anywhere in a document.
// One plain character class scans fast; surrogates are then checked for pairing by hand.
const SUSPECT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;

function findIllegalChar(text: string): number | undefined {
  SUSPECT_CHAR.lastIndex = 0;
  for (let m = SUSPECT_CHAR.exec(text); m; m = SUSPECT_CHAR.exec(text)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        SUSPECT_CHAR.lastIndex = i + 2; // a valid pair
        continue;
      }
    }
    return i;
  }
  return undefined;
}

// Permissive on non-ASCII name characters (libvirt never uses them), strict on ASCII.
const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*/y;
const SPACE = /[ \t\r\n]*/y;

export function parseXmlTree(text: string): { root: XmlElement | undefined; error: XmlParseError | undefined } {
  const parser = new Parser(text);
  try {
    parser.parseDocument();
    return { root: parser.root, error: undefined };
  } catch (e) {
    if (!(e instanceof ParseStop)) throw e;
    parser.cutOff(e.detail.span.end);
    return { root: parser.root, error: e.detail };
  }
}

class Parser {
  root: MutableElement | undefined;
  private pos = 0;
  private readonly stack: MutableElement[] = [];

  constructor(private readonly text: string) {}

  private fail(message: string, start: number, end = start + 1): never {
    const s = Math.min(start, this.text.length);
    throw new ParseStop({ message, span: { start: s, end: Math.max(s, Math.min(end, this.text.length)) } });
  }

  /** Ends the elements left open by an error where parsing stopped, so every span stays inside the text. */
  cutOff(errorEnd: number): void {
    const at = Math.min(this.text.length, Math.max(this.pos, errorEnd));
    for (const el of this.stack) {
      el.span = { start: el.span.start, end: Math.max(el.span.start, at) };
      // A start tag cut off mid-way still holds the attributes read so far.
      if (el.openTagSpan.end === el.nameSpan.end) el.openTagSpan = { start: el.span.start, end: el.span.end };
    }
  }

  parseDocument(): void {
    const bad = findIllegalChar(this.text);
    const limit = bad ?? this.text.length;
    if (this.text.startsWith('\uFEFF')) this.pos = 1; // BOM
    try {
      this.prolog();
      if (this.pos >= this.text.length) this.fail('The document has no root element.', 0, 0);
      this.content();
      this.epilog();
    } catch (e) {
      // An illegal character earlier than the structural error is the real, first problem.
      if (bad !== undefined && e instanceof ParseStop && e.detail.span.start >= limit) this.illegalChar(bad);
      throw e;
    }
    if (bad !== undefined) this.illegalChar(bad);
  }

  private illegalChar(at: number): never {
    const code = this.text.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0');
    this.fail(`Character U+${code} is not allowed in XML.`, at);
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  /** XML declaration, comments, processing instructions and a DOCTYPE before the root. */
  private prolog(): void {
    if (this.text.startsWith('<?xml', this.pos) && /[\s?]/.test(this.text[this.pos + 5] ?? '')) this.pi();
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<!--', this.pos)) this.comment();
      else if (this.text.startsWith('<?', this.pos)) this.pi();
      else if (this.text.startsWith('<!DOCTYPE', this.pos)) this.doctype();
      else if (this.pos < this.text.length && this.text[this.pos] !== '<') {
        this.fail('Text before the root element: an XML document must start with an element.', this.pos);
      } else return;
    }
  }

  private epilog(): void {
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) return;
      if (this.text.startsWith('<!--', this.pos)) this.comment();
      else if (this.text.startsWith('<?', this.pos)) this.pi();
      else if (this.text[this.pos] === '<' && /[A-Za-z_:\u00C0-\uFFFF]/.test(this.text[this.pos + 1] ?? '')) {
        this.fail('A second root element: an XML document has exactly one root element.', this.pos, this.pos + 1);
      } else this.fail(`Extra content after the root element </${this.root?.name ?? ''}>.`, this.pos);
    }
  }

  private comment(): void {
    const start = this.pos;
    const end = this.text.indexOf('--', start + 4);
    if (end < 0) this.fail('Comment is never closed: expected "-->".', start, start + 4);
    if (this.text[end + 2] !== '>') this.fail('"--" is not allowed inside a comment.', end, end + 2);
    this.pos = end + 3;
  }

  private pi(): void {
    const start = this.pos;
    NAME.lastIndex = start + 2;
    if (!NAME.exec(this.text)) this.fail('Processing instruction without a target name.', start, start + 2);
    const target = this.text.slice(start + 2, NAME.lastIndex);
    if (target.toLowerCase() === 'xml' && start > (this.text.startsWith('\uFEFF') ? 1 : 0)) {
      this.fail('The XML declaration is only allowed at the very start of the document.', start, NAME.lastIndex);
    }
    const end = this.text.indexOf('?>', NAME.lastIndex);
    if (end < 0) this.fail('Processing instruction is never closed: expected "?>".', start, NAME.lastIndex);
    this.pos = end + 2;
  }

  /** Skipped, including an internal subset; libvirt documents have none. */
  private doctype(): void {
    const start = this.pos;
    let depth = 0;
    for (let i = start + 9; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.pos = i + 1;
        return;
      }
    }
    this.fail('DOCTYPE is never closed: expected ">".', start, start + 9);
  }

  /** The root element and everything inside it, with an explicit stack (no recursion). */
  private content(): void {
    this.openTag();
    while (this.stack.length > 0) {
      const lt = this.text.indexOf('<', this.pos);
      const textEnd = lt < 0 ? this.text.length : lt;
      if (textEnd > this.pos) this.textNode(this.pos, textEnd);
      this.pos = textEnd;
      if (lt < 0) {
        const open = this.stack[this.stack.length - 1]!;
        this.fail(`<${open.name}> is never closed: expected </${open.name}>.`, open.nameSpan.start - 1, open.nameSpan.end);
      }
      if (this.text.startsWith('</', lt)) this.closeTag();
      else if (this.text.startsWith('<!--', lt)) this.comment();
      else if (this.text.startsWith('<![CDATA[', lt)) this.cdata();
      else if (this.text.startsWith('<?', lt)) this.pi();
      else if (this.text.startsWith('<!', lt)) this.fail('Unexpected markup declaration inside an element.', lt, lt + 2);
      else this.openTag();
    }
  }

  private textNode(start: number, end: number): void {
    const raw = this.text.slice(start, end);
    const bad = findBadReference(raw);
    if (bad) this.fail(bad.message, start + bad.index, start + bad.index + bad.length);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd >= 0) this.fail('"]]>" is not allowed in text.', start + cdataEnd, start + cdataEnd + 3);
    this.append({ kind: 'text', text: decodeText(raw), span: { start, end } });
  }

  private cdata(): void {
    const start = this.pos;
    const end = this.text.indexOf(']]>', start + 9);
    if (end < 0) this.fail('CDATA section is never closed: expected "]]>".', start, start + 9);
    this.append({ kind: 'text', text: this.text.slice(start + 9, end), span: { start, end: end + 3 } });
    this.pos = end + 3;
  }

  private append(node: XmlNode): void {
    (this.stack[this.stack.length - 1]!.children as XmlNode[]).push(node);
  }

  private openTag(): void {
    const start = this.pos;
    NAME.lastIndex = start + 1;
    if (!NAME.exec(this.text)) this.fail('"<" must start an element name (write &lt; for a literal "<").', start);
    const nameSpan = { start: start + 1, end: NAME.lastIndex };
    const name = this.text.slice(nameSpan.start, nameSpan.end);
    const parent = this.stack[this.stack.length - 1];
    const el: MutableElement = {
      kind: 'element', name, parent, attributes: [], children: [], nameSpan,
      openTagSpan: { start, end: nameSpan.end }, span: { start, end: nameSpan.end }, selfClosing: false, closed: false,
    };
    if (parent) parent.children.push(el as XmlElement);
    else this.root = el;
    this.stack.push(el);
    this.pos = nameSpan.end;
    this.attributes(el);
    if (this.text.startsWith('/>', this.pos)) {
      this.pos += 2;
      el.selfClosing = true;
      this.finish(el);
    } else this.pos += 1; // the '>' checked by attributes()
    el.openTagSpan = { start, end: this.pos };
  }

  private attributes(el: MutableElement): void {
    // Names seen so far: a linear scan per attribute made 60,000 attributes on one tag take seconds.
    const seen = new Set<string>();
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '>' || (c === '/' && this.text[this.pos + 1] === '>')) return;
      if (c === undefined) this.fail(`Start tag <${el.name}> is not closed: expected ">" or "/>".`, el.span.start, el.nameSpan.end);
      NAME.lastIndex = this.pos;
      if (!NAME.exec(this.text)) this.fail(`Unexpected "${c}" in start tag <${el.name}>: expected an attribute, ">" or "/>".`, this.pos);
      if (this.pos === before) this.fail('Attributes must be separated by white space.', this.pos);
      const attr = this.attribute(el, seen);
      seen.add(attr.name);
      el.attributes.push(attr);
    }
  }

  private attribute(el: MutableElement, seen: ReadonlySet<string>): XmlAttribute {
    const nameSpan = { start: this.pos, end: NAME.lastIndex };
    const name = this.text.slice(nameSpan.start, nameSpan.end);
    if (seen.has(name)) this.fail(`Attribute "${name}" is repeated on <${el.name}>.`, nameSpan.start, nameSpan.end);
    this.pos = nameSpan.end;
    this.skipSpace();
    if (this.text[this.pos] !== '=') this.fail(`Attribute "${name}" needs a value: ${name}='…'.`, nameSpan.start, nameSpan.end);
    this.pos++;
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") this.fail(`The value of "${name}" must be in quotes.`, this.pos);
    const valueStart = this.pos + 1;
    const close = this.text.indexOf(quote, valueStart);
    if (close < 0) this.fail(`The value of "${name}" is never closed: expected ${quote}.`, this.pos);
    const raw = this.text.slice(valueStart, close);
    const lt = raw.indexOf('<');
    if (lt >= 0) this.fail(`"<" is not allowed in an attribute value (write &lt;).`, valueStart + lt);
    const bad = findBadReference(raw);
    if (bad) this.fail(bad.message, valueStart + bad.index, valueStart + bad.index + bad.length);
    this.pos = close + 1;
    return { name, value: decodeAttribute(raw), raw, nameSpan, valueSpan: { start: valueStart, end: close }, span: { start: nameSpan.start, end: close + 1 } };
  }

  private closeTag(): void {
    const start = this.pos;
    NAME.lastIndex = start + 2;
    const open = this.stack[this.stack.length - 1]!;
    const name = NAME.exec(this.text) ? this.text.slice(start + 2, NAME.lastIndex) : '';
    if (name !== open.name) {
      const line = this.text.slice(0, open.span.start).split('\n').length;
      this.fail(
        name ? `</${name}> does not match <${open.name}> opened on line ${line}.` : `Expected </${open.name}>.`,
        start,
        name ? NAME.lastIndex : start + 2,
      );
    }
    this.pos = NAME.lastIndex;
    this.skipSpace();
    if (this.text[this.pos] !== '>') this.fail(`End tag </${name}> is not closed: expected ">".`, start, NAME.lastIndex);
    this.pos++;
    this.finish(open);
  }

  private finish(el: MutableElement): void {
    el.span = { start: el.span.start, end: this.pos };
    el.closed = true;
    this.stack.pop();
  }
}
