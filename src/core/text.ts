/** Positions are 0-based (line, character in UTF-16 code units), like VS Code and LSP. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: Position;
  readonly end: Position;
}

export interface TextEdit {
  readonly range: TextRange;
  readonly newText: string;
}

/** Maps string offsets to positions and back in O(log n); built once per document. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.starts[lo]! };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line]!;
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1]! - 1 : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  rangeOf(startOffset: number, endOffset: number): TextRange {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/** Applies non-overlapping edits; bytes outside the edited ranges are preserved exactly. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const s of spans) {
    if (s.start < cursor) throw new Error(`overlapping edits at offset ${s.start}`);
    out += text.slice(cursor, s.start) + s.text;
    cursor = s.end;
  }
  return out + text.slice(cursor);
}

/**
 * Code points that make a terminal act or reorder what it shows: C0 controls, DEL, C1 controls (U+009B is a
 * one-character CSI) and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same without tab and newline, which a multi-line output needs for its own layout. */
const TERMINAL_CONTROLS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw (it escapes C0 itself). */
const JSON_RAW_CONTROLS = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text for a terminal: tab and newline kept, every other control shown as '?'. Host and file text is untrusted. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS_BUT_LAYOUT, '?');
}

/** One field inside a line of output: tab and newline too become '?', so a value cannot forge further lines. */
export function terminalSafeField(text: string): string {
  return text.replace(TERMINAL_CONTROLS, '?');
}

/**
 * JSON (indented by 2) that cannot steer a terminal yet carries the data unchanged: the controls JSON.stringify
 * leaves raw are written as \uXXXX escapes. They can only occur inside strings, so the result stays valid JSON.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
