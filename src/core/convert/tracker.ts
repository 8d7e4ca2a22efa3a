import type { QemuInvocation, QemuOption, QemuProp } from '../qemu/model';
import type { Span } from '../qemu/shell';
import type { ConvertNote, Mapped, NoteSeverity } from './model';

/**
 * Bookkeeping of a script → XML conversion: which options and items were used. Whatever is left at the end
 * becomes a "not translated" note on its own source range, so an unknown option can never vanish.
 */
export class Tracker {
  readonly notes: ConvertNote[] = [];
  readonly mapped: Mapped[] = [];
  private readonly whole = new Set<QemuOption>();
  private readonly items = new Map<QemuOption, Set<QemuProp>>();

  constructor(
    readonly inv: QemuInvocation,
    readonly text: string,
    /** Directory relative paths of the script are resolved against (libvirt needs absolute paths). */
    readonly baseDir: string = '/',
  ) {}

  note(span: Span, severity: NoteSeverity, message: string): void {
    this.notes.push({ span, severity, message });
  }

  map(span: Span, text: string): void {
    this.mapped.push({ span, text });
  }

  /** Marks an option as handled; its items still count one by one. */
  touch(o: QemuOption): void {
    if (!this.items.has(o)) this.items.set(o, new Set());
  }

  /** Marks an option and all its items as handled (or deliberately reported as a whole). */
  takeAll(o: QemuOption): void {
    this.whole.add(o);
  }

  take(o: QemuOption, p: QemuProp | undefined): void {
    this.touch(o);
    if (p) this.items.get(o)!.add(p);
  }

  handled(o: QemuOption): boolean {
    return this.whole.has(o) || this.items.has(o);
  }

  /** Source text of an option, for messages (shortened). */
  optionText(o: QemuOption): string {
    const t = this.text.slice(o.span.start, o.span.end).replace(/\s*\\\n\s*/g, ' ');
    return t.length > 80 ? `${t.slice(0, 77)}…` : t;
  }

  /**
   * A literal item value (marking it used); undefined when absent. A value built by a shell expansion is only
   * known at run time: it is reported and treated as absent.
   */
  literal(o: QemuOption, key: string): string | undefined {
    const p = o.props.find((x) => x.key === key);
    if (!p) return undefined;
    this.take(o, p);
    if (p.dynamic) {
      this.note(p.range, 'warning', `not translated: ${key}=${p.value} is only known when the script runs`);
      return undefined;
    }
    return p.value;
  }

  /** The option's leading bare item (`-m 1G`, `-machine q35`, `-cpu host`), marked used. */
  bare(o: QemuOption): string | undefined {
    const p = o.props[0];
    if (!p || p.implied || p.value !== '' || p.key.includes('=')) return undefined;
    if (o.valueWord && o.valueWord.value.slice(p.index.start, p.index.end).includes('=')) return undefined;
    this.take(o, p);
    if (p.dynamic) {
      this.note(p.range, 'warning', `not translated: '${p.key}' is only known when the script runs`);
      return undefined;
    }
    return p.key;
  }

  /** Reports every option and item nobody used. */
  finish(): ConvertNote[] {
    for (const o of this.inv.options) {
      if (this.whole.has(o)) continue;
      const used = this.items.get(o);
      if (!used) {
        this.note(o.span, 'warning', `not translated: ${this.optionText(o)}`);
        continue;
      }
      for (const p of o.props) {
        if (!used.has(p)) this.note(p.range, 'warning', `not translated: ${p.key}${p.implied || p.value !== '' ? `=${p.value}` : ''} of ${o.name}`);
      }
    }
    return this.notes;
  }
}
