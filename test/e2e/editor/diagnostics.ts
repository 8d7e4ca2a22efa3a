// Diagnostics: what a person sees (squiggles, the Problems panel, quick fixes) and what the extension reports
// (its diagnostics probe), for tests that only need a finding's text or range.
import type { Locator } from 'playwright-core';
import { Commanding } from './commands';
import { normalizeSpace, waitUntil, type DomElement } from './session';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface ProblemEntry {
  /** The file's base name as the Problems panel shows it. */
  file: string;
  severity: DiagnosticSeverity;
  message: string;
  /** The diagnostic's source and code as shown (for example "kvmnet"), empty when absent. */
  source: string;
  code: string;
  /** 1-based, as the Problems panel shows them. */
  line: number;
  column: number;
}

interface RawMarkerRow {
  index: number;
  last: boolean;
  level: number;
  expanded: string | null;
  fileName: string;
  icon: string;
  message: string;
  source: string;
  code: string;
  position: string;
}

export class Diagnosing extends Commanding {
  /** Waits for a squiggle of that kind in the active editor. */
  async waitForSquiggle(kind: DiagnosticSeverity | 'hint'): Promise<void> {
    await this.page.locator(`.editor-group-container.active .monaco-editor .squiggly-${kind}`).first().waitFor();
  }

  /** Opens the Problems panel (all files) and reads all its entries, scrolling through the virtualized list. */
  async readDiagnostics(): Promise<ProblemEntry[]> {
    const panel = this.page.locator('.markers-panel');
    // A keystroke can land while the panel area is busy (a task's terminal opening): retry it, bounded.
    for (let attempt = 1; !(await panel.isVisible()); attempt++) {
      await this.page.keyboard.press('Control+Shift+M');
      try {
        await panel.waitFor({ timeout: 5_000 });
      } catch (e) {
        if (attempt >= 5) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    // The panel refreshes throttled, the status bar's counts at once: read until both agree (bounded, since
    // a panel filter could keep them apart), so a squiggle just seen is in the answer.
    let entries: ProblemEntry[] = [];
    await waitUntil(async () => {
      entries = await this.readProblemsPanel(panel);
      const counts = await this.statusBarProblemCount();
      return counts === undefined || counts === entries.length;
    }, 'the Problems panel to match the status bar counts', 5_000).catch(() => undefined);
    return entries;
  }

  /** errors + warnings + infos as the status bar counts them (undefined when it shows no counts). */
  private async statusBarProblemCount(): Promise<number | undefined> {
    const item = this.page.locator('[id="status.problems"]').first();
    if ((await item.count()) === 0) return undefined;
    const numbers = ((await item.innerText()).match(/\d+/g) ?? []).map(Number);
    return numbers.length === 0 ? undefined : numbers.reduce((a, b) => a + b, 0);
  }

  private async readProblemsPanel(panel: Locator): Promise<ProblemEntry[]> {
    const list = panel.locator('.monaco-list').first();
    if ((await panel.locator('.monaco-list-row').count()) === 0) return []; // "No problems have been detected"
    const seen = new Map<number, RawMarkerRow>();
    for (let guard = 0; guard < 1000; guard++) {
      const rows = await panel.locator('.monaco-list-row').evaluateAll((nodes) =>
        (nodes as unknown as DomElement[]).map((el) => {
          const text = (sel: string): string =>
            Array.from(el.querySelectorAll(sel), (e) => e.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim();
          return {
            index: Number(el.getAttribute('data-index') ?? '0'),
            last: el.getAttribute('data-last-element') === 'true',
            level: Number(el.getAttribute('aria-level') ?? '1'),
            expanded: el.getAttribute('aria-expanded'),
            fileName: text('.label-name'),
            icon: el.querySelector('.marker-icon')?.className ?? '',
            message: text('.marker-message'),
            source: text('.marker-source'),
            code: text('.marker-code'),
            position: text('.marker-line'),
          };
        }),
      );
      const collapsed = rows.find((r) => r.expanded === 'false');
      if (collapsed) {
        await panel.locator(`.monaco-list-row[data-index="${collapsed.index}"] .monaco-tl-twistie`).click();
        continue;
      }
      for (const r of rows) seen.set(r.index, r);
      if (rows.some((r) => r.last)) break;
      await list.hover();
      await this.page.mouse.wheel(0, 200);
    }
    const out: ProblemEntry[] = [];
    let file = '';
    for (const r of [...seen.values()].sort((a, b) => a.index - b.index)) {
      if (r.level === 1) {
        file = r.fileName;
        continue;
      }
      if (r.message === '') continue; // a related-information row
      const m = /(\d+)\D+(\d+)/.exec(r.position);
      out.push({
        file,
        severity: /error/.test(r.icon) ? 'error' : /warning/.test(r.icon) ? 'warning' : 'info',
        message: r.message,
        source: r.source,
        code: r.code,
        line: Number(m?.[1] ?? 0),
        column: Number(m?.[2] ?? 0),
      });
    }
    return out;
  }

  /** Waits until the Problems panel lists a diagnostic that satisfies the predicate, and returns all entries. */
  async waitForDiagnostic(pred: (p: ProblemEntry) => boolean, what = 'the expected diagnostic'): Promise<ProblemEntry[]> {
    let last: ProblemEntry[] = [];
    await waitUntil(async () => {
      last = await this.readDiagnostics();
      return last.some(pred);
    }, `${what} (Problems panel had: ${JSON.stringify(last)})`);
    return last;
  }

  /**
   * Every diagnostic VS Code holds, from the extension's diagnostics probe: the Problems panel's entries (same
   * fields) without reading the panel. For tests that need a finding's text or range; the panel stays for what
   * a person sees and for screenshots.
   */
  async findings(): Promise<ProblemEntry[]> {
    return (await this.probe('diagnostics')) as ProblemEntry[];
  }

  /** Waits until the probe reports a diagnostic that satisfies the predicate, and returns all of them. */
  async waitForFinding(pred: (p: ProblemEntry) => boolean, what = 'the expected diagnostic'): Promise<ProblemEntry[]> {
    let last: ProblemEntry[] = [];
    await waitUntil(async () => (last = await this.findings()).some(pred), `${what} (the extension reported: ${JSON.stringify(last)})`);
    return last;
  }

  /**
   * Applies the quick fix with that title at the cursor (Ctrl+.), by keyboard: the first action is focused,
   * arrows move between actions (clicking can wait forever for the hover animation to become "stable").
   * Returns the titles the menu offered.
   */
  async quickFix(title: string | RegExp): Promise<string[]> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor();
    const titles = (await rows.allInnerTexts()).map(normalizeSpace);
    const index = titles.findIndex((t) => (typeof title === 'string' ? t === title : title.test(t)));
    if (index < 0) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no quick fix ${String(title)}; offered: ${JSON.stringify(titles)}`);
    }
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
    return titles;
  }
}
