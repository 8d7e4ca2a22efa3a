import { isNicDriver, optionKind, type OptionList } from '../model';
import type { RuleContext } from './context';

const NETWORK_OPTIONS = new Set(['-netdev', '-net', '-nic']);

/**
 * A quote character QEMU receives: quoted or escaped quotes (`"id=\"n0\""`, `id="'n0'"`) are not removed by the
 * shell, so they end up inside the value and QEMU rejects it (Parameter 'id' expects an identifier, Bad
 * protocol name …). One finding per option value.
 */
export function checkQuotesInValues(c: RuleContext, inv: OptionList): void {
  for (const o of inv.options) {
    const w = o.valueWord;
    if (!w || !(NETWORK_OPTIONS.has(o.name) || (o.name === '-device' && isNicDriver(optionKind(o))))) continue;
    const i = [...w.value].findIndex((ch, k) => (ch === '"' || ch === "'") && !w.dynamic.some((d) => d.start <= k && k < d.end));
    if (i < 0 || (w.value.startsWith('{') && o.props.some((p) => p.json))) continue;
    const at = w.map[i]!;
    c.report('QuoteInValue', 'error', { start: at, end: at + 1 }, `QEMU receives this ${w.value[i]} as part of '${w.value}': a quote that is itself quoted or escaped is not removed by the shell, so QEMU rejects the value. Drop the inner quotes.`);
  }
}
