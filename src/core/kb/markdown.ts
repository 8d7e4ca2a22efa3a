import { runReadinessChecks } from '../readiness/checks';
import type { CheckId } from '../readiness/model';
import type { KbMatch } from './explain';
import type { KbEntry } from './model';

let titles: Map<string, string> | undefined;
/** Check titles are fixed per rule: read them once from a snapshot where nothing is known. */
export function checkTitle(id: CheckId): string {
  titles ??= new Map(
    runReadinessChecks({ formatVersion: 0, system: {}, devices: [], interfaces: [], iommuGroups: [], warnings: [] }).map((c) => [c.id, c.title]),
  );
  return titles.get(id) ?? id;
}

/** A fenced block that user text cannot close early: the fence is longer than any backtick run inside. */
export function fenced(text: string, info = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** One entry as markdown: cause, how to confirm, fixes. `heading` is the markdown heading level prefix. */
export function entryMarkdown(entry: KbEntry, heading = '##'): string {
  const confirm =
    entry.confirm.length > 0
      ? entry.confirm.map((id) => `- \`${id}\` — ${checkTitle(id)}`).join('\n') +
        '\n\n(Host readiness view, or `kvmnet check --host H`.)'
      : 'No host check applies: the message is about the command line or configuration itself.';
  return [
    `${heading} ${entry.title}`,
    `*Printed by: ${entry.origin.join(', ')} · entry \`${entry.id}\`*`,
    `**Cause.** ${entry.cause}`,
    `**Confirm.**\n\n${confirm}`,
    `**Fix (plain QEMU).** ${entry.fixQemu}`,
    `**Fix (libvirt).** ${entry.fixLibvirt}`,
  ].join('\n\n');
}

/** The whole explanation of a text: each distinct entry once, with the lines that matched it. */
export function explanationMarkdown(matches: readonly KbMatch[], source: string): string {
  if (matches.length === 0) return `# No known error message\n\nNothing in the ${source} matches the knowledge base.`;
  const byEntry = new Map<string, { entry: KbEntry; texts: string[] }>();
  for (const m of matches) {
    const e = byEntry.get(m.entry.id) ?? { entry: m.entry, texts: [] };
    if (!e.texts.includes(m.text)) e.texts.push(m.text);
    byEntry.set(m.entry.id, e);
  }
  const parts = [`# ${byEntry.size === 1 ? 'Explanation' : `${byEntry.size} known messages`} (from the ${source})`];
  for (const { entry, texts } of byEntry.values()) {
    parts.push(entryMarkdown(entry), `Matched:\n\n${fenced(texts.slice(0, 5).join('\n'), 'text')}`);
  }
  return `${parts.join('\n\n')}\n`;
}
