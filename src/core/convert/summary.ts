import { LineIndex } from '../text';
import { untranslated, type ConvertNote, type Mapped } from './model';

/**
 * What the editor tells after a conversion: one line for the notification, and the details (each mapped item and
 * each note with its 1-based line:column in the source) for the output channel.
 */

export interface ConversionSummary {
  readonly headline: string;
  readonly details: readonly string[];
  /** How many notes say something of the source is missing from the result. */
  readonly untranslated: number;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `subject` names what was converted into what, e.g. "launch-vm.sh → libvirt domain 'web01'". */
export function summarize(subject: string, source: string, mapped: readonly Mapped[], notes: readonly ConvertNote[]): ConversionSummary {
  const index = new LineIndex(source);
  const at = (offset: number): string => {
    const p = index.positionAt(offset);
    return `${p.line + 1}:${p.character + 1}`;
  };
  const missing = untranslated(notes).length;
  const tail = missing === 0 ? 'everything translated' : `${plural(missing, 'item')} not translated (warnings on the source)`;
  return {
    headline: `${subject}: ${plural(mapped.length, 'item')} mapped, ${tail}.`,
    details: [
      subject,
      ...mapped.map((m) => `  mapped   ${at(m.span.start)}  ${m.text}`),
      ...notes.map((n) => `  ${n.severity.padEnd(8)} ${at(n.span.start)}  ${n.message}`),
    ],
    untranslated: missing,
  };
}
