/*
 * The one rule kit every rule family uses (libvirt schema and semantic rules, QEMU launch-script rules, host
 * readiness): a code table where each code carries its one-line doc, and a reporter that turns what a rule
 * found (offsets in the text, fixes as offset edits) into located findings.
 */
import type { Finding, FindingSource, Fix, Severity } from './findings';
import type { LineIndex } from './text';

/** One rule code: the `code` its findings carry and its one-line doc (`kvmnet lint --list-rules`). */
export interface CodeDoc {
  readonly id: string;
  readonly doc: string;
}

/** A family's codes by key. The checker and the editor import the same table, so the two cannot drift. */
export type CodeTable = Readonly<Record<string, CodeDoc>>;

export type CodeKey<T extends CodeTable> = keyof T & string;
export type CodeId<T extends CodeTable> = T[keyof T]['id'];

/** Declares a family's code table; the ids keep their literal types. */
export function defineCodes<const T extends CodeTable>(codes: T): T {
  return codes;
}

/** The ids alone by key (`SchemaCode.Invalid === 'schema-invalid'`), for code that passes codes around as strings. */
export function codeIds<const T extends CodeTable>(codes: T): { readonly [K in keyof T]: T[K]['id'] } {
  return Object.fromEntries(Object.entries(codes).map(([key, c]) => [key, c.id])) as { readonly [K in keyof T]: T[K]['id'] };
}

/** Half-open offsets [start, end) into the text a rule reads. */
export interface OffsetSpan {
  readonly start: number;
  readonly end: number;
}

/** Replaces [start, end) with `text`; the same shape as the script editor's edits. */
export interface OffsetEdit extends OffsetSpan {
  readonly text: string;
}

/** A quick fix as a rule writes it: edits in offsets; `isPreferred` marks the safe, obvious one. */
export interface RuleFix {
  readonly title: string;
  readonly edits: readonly OffsetEdit[];
  readonly isPreferred?: boolean;
}

/** Where a family's rules report: findings of one source, with codes from its table, located in one text. */
export class Reporter<T extends CodeTable> {
  readonly findings: Finding[] = [];

  constructor(
    private readonly codes: T,
    private readonly source: FindingSource,
    readonly index: LineIndex,
  ) {}

  get text(): string {
    return this.index.text;
  }

  report(code: CodeKey<T>, severity: Severity, span: OffsetSpan, message: string, fixes?: readonly RuleFix[]): void {
    this.findings.push({
      range: this.index.rangeOf(span.start, span.end),
      severity,
      code: this.codes[code]!.id,
      message,
      source: this.source,
      ...(fixes && fixes.length > 0 ? { fixes: fixes.map((f) => this.fix(f)) } : {}),
    });
  }

  edit(span: OffsetSpan, text: string): OffsetEdit {
    return { start: span.start, end: span.end, text };
  }

  private fix(f: RuleFix): Fix {
    return {
      title: f.title,
      edits: f.edits.map((e) => ({ range: this.index.rangeOf(e.start, e.end), newText: e.text })),
      ...(f.isPreferred === undefined ? {} : { isPreferred: f.isPreferred }),
    };
  }
}
