import { childElements, type XmlAttribute, type XmlElement } from '../xml/document';
import type { ConvertNote, Mapped, NoteSeverity } from './model';
import type { Span } from '../qemu/shell';

/**
 * Bookkeeping of an XML → QEMU conversion, the twin of ./tracker: elements and attributes read are marked, and
 * whatever was never read is reported as "not translated" on its own range at the end.
 */
export class XmlTracker {
  readonly notes: ConvertNote[] = [];
  readonly mapped: Mapped[] = [];
  private readonly read = new Set<XmlElement>();
  private readonly whole = new Set<XmlElement>();
  private readonly attrs = new Set<XmlAttribute>();

  note(span: Span, severity: NoteSeverity, message: string): void {
    this.notes.push({ span, severity, message });
  }

  map(span: Span, text: string): void {
    this.mapped.push({ span, text });
  }

  take(e: XmlElement | undefined): XmlElement | undefined {
    if (e) this.read.add(e);
    return e;
  }

  /** The element and everything in it count as handled (translated, or reported as a whole). */
  takeAll(e: XmlElement | undefined): void {
    if (e) this.whole.add(e);
  }

  /** An attribute's value, marked read. */
  attr(e: XmlElement | undefined, name: string): string | undefined {
    const a = e?.attributes.find((x) => x.name === name);
    if (!a) return undefined;
    this.attrs.add(a);
    return a.value;
  }

  /** The first child named `name`, marked read. */
  child(e: XmlElement, name: string): XmlElement | undefined {
    return this.take(childElements(e, name)[0]);
  }

  text(e: XmlElement | undefined): string | undefined {
    if (!e) return undefined;
    this.take(e);
    return e.children.map((c) => (c.kind === 'text' ? c.text : '')).join('').trim();
  }

  /** Reports everything under `root` nobody read: the outermost unread element, or unread attributes of a read one. */
  finish(root: XmlElement): ConvertNote[] {
    const walk = (e: XmlElement): void => {
      if (this.whole.has(e)) return;
      if (!this.read.has(e)) {
        this.note(e.openTagSpan, 'warning', `not translated: <${e.name}${e.attributes.map((a) => ` ${a.name}='${a.value}'`).join('')}>`);
        return;
      }
      for (const a of e.attributes) if (!this.attrs.has(a) && !a.name.startsWith('xmlns')) this.note(a.span, 'warning', `not translated: ${a.name}='${a.value}' of <${e.name}>`);
      for (const c of childElements(e)) walk(c);
    };
    walk(root);
    return this.notes;
  }
}
