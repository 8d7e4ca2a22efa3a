/**
 * Real-editor harness: the built extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3),
 * driven through Debian's Chromium with playwright-core. One editor per test file:
 *
 *   let ed: Editor;
 *   before(async () => { ed = await startEditor({ name: 'xml-lint', workspaceFiles: { 'bad.xml': '...' } }); });
 *   after(() => ed?.close());
 *   test('...', async () => { await ed.openFile('bad.xml'); await ed.waitForSquiggle('error'); ... });
 *
 * Helpers: openFile, editorText/typeText/insertText/goToLine/save, runCommand/paletteCommands,
 * startCommand/answerQuickInput/quickPickRows (commands that ask), codeLensTitles/clickCodeLens,
 * notificationAction, waitForDialog/answerDialog (modal confirmations),
 * notifications/waitForNotification/statusBarTexts, waitForSquiggle/readDiagnostics/waitForDiagnostic/quickFix,
 * openViewContainer/view/treeItems/treeItem/expandTreeItem/contextMenu/contextMenuTitles(On)/inlineAction/
 * viewTitleAction, clipboardText/waitForClipboard, updateSettings, extensionLog/waitForExtensionLog,
 * screenshot(name) → test-results/NAME.png; `page` is the playwright Page for anything else.
 *
 * Every wait is on a DOM condition or a file, never a fixed sleep. Logs (code-server, extension host, the
 * "KVM Networking" output channel, the browser console) and a final screenshot land in
 * test-results/NAME-logs/ for failed runs. Monaco renders spaces as U+00A0: match editor DOM text with \s.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  codeServerEnv,
  ensureBuilt,
  ensureChromium,
  ensureCodeServer,
  EXTENSION_ID,
  installUnpacked,
  launchCodeServer,
  stopProcessGroup,
  writeUserSettings,
} from '../../scripts/setup-code-server.mjs';

export { CHROMIUM, CHROMIUM_ARGS, EXTENSION_ID };

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');
/** UI waits; the first code-server start on a machine is slower, so startup gets more. */
const STARTUP_TIMEOUT = 120_000;
const UI_TIMEOUT = 30_000;

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

/** The little of the DOM the page-side callbacks use (the project's lib has no DOM types). */
interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  readonly textContent: string | null;
  readonly className: string;
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

export interface TreeItem {
  label: string;
  description: string;
  /** 1 for roots. */
  depth: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  /** The row's tooltip/aria label (label, description and more, as VS Code announces it). */
  ariaLabel: string;
}

export interface EditorOptions {
  /** Prefix of the files written to test-results/ (logs, screenshots). Default: "editor". */
  name?: string;
  /** Extra files for the workspace, relative paths → contents; written after examples/ is copied. */
  workspaceFiles?: Record<string, string>;
  /** Copy examples/ into the workspace (default true). */
  examples?: boolean;
  /** User settings (merged over the harness's quiet defaults). */
  settings?: Record<string, unknown>;
  /** Install this .vsix with `code-server --install-extension` instead of the unpacked build. */
  vsix?: string;
  /** Environment for code-server and its extension host (merged over process.env). */
  env?: Record<string, string>;
  /** Browser viewport; the default fits README screenshots. */
  viewport?: { width: number; height: number };
}

/** Runs code-server's CLI (install/list extensions) to completion. */
export function codeServerCli(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ensureCodeServer(), ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function safeRelative(rel: string): string {
  const norm = path.normalize(rel);
  if (path.isAbsolute(norm) || norm.startsWith('..')) throw new Error(`workspaceFiles: ${rel} is not inside the workspace`);
  return norm;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const live = new Set<() => void>();
process.on('exit', () => live.forEach((kill) => kill()));

export class Editor {
  private closed = false;

  private constructor(
    readonly name: string,
    readonly page: Page,
    private readonly browser: Browser,
    /** The workbench URL (http://127.0.0.1:PORT/?folder=...). */
    readonly url: string,
    /** Temp root holding workspace/, user-data/, extensions/ and config/. */
    readonly tempDir: string,
    private readonly serverLog: string[],
    private readonly browserLog: string[],
    private readonly killServer: () => void,
  ) {}

  get workspace(): string {
    return path.join(this.tempDir, 'ws');
  }
  get userDataDir(): string {
    return path.join(this.tempDir, 'ud');
  }
  get extensionsDir(): string {
    return path.join(this.tempDir, 'ext');
  }

  static async start(opts: EditorOptions = {}): Promise<Editor> {
    const name = opts.name ?? 'editor';
    ensureBuilt();
    ensureCodeServer();
    ensureChromium();
    // Short path: code-server puts a unix socket in the user-data dir (108-byte limit).
    const tempDir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-e2e-'));
    const ws = path.join(tempDir, 'ws');
    const ud = path.join(tempDir, 'ud');
    const ext = path.join(tempDir, 'ext');
    for (const d of [ws, ud, ext]) mkdirSync(d, { recursive: true });
    const env = codeServerEnv(tempDir, opts.env);
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    const serverLog: string[] = [];
    const browserLog: string[] = [];
    const killServer = (): void => stopProcessGroup(server);
    const cleanupOnExit = (): void => {
      killServer();
      rmSync(tempDir, { recursive: true, force: true });
    };
    live.add(cleanupOnExit);
    try {
      if (opts.examples ?? true) cpSync(path.join(repoRoot, 'examples'), ws, { recursive: true });
      for (const [rel, text] of Object.entries(opts.workspaceFiles ?? {})) {
        const p = path.join(ws, safeRelative(rel));
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, text);
      }
      writeUserSettings(ud, opts.settings);
      if (opts.vsix) {
        const r = codeServerCli(['--extensions-dir', ext, '--user-data-dir', ud, '--install-extension', opts.vsix], env);
        if (r.status !== 0) throw new Error(`--install-extension ${opts.vsix} failed: ${r.stdout}${r.stderr}`);
      } else {
        installUnpacked(ext);
      }
      const { port, url } = await launchCodeServer({
        workspace: ws,
        userDataDir: ud,
        extensionsDir: ext,
        env,
        onOutput: (text) => serverLog.push(text),
        onSpawn: (child) => (server = child),
        timeoutMs: STARTUP_TIMEOUT,
      });

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
      // tsx (esbuild keepNames) wraps functions with __name(); page-side callbacks need it to exist there too.
      await context.addInitScript('globalThis.__name = (f) => f;');
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.stack ?? e.message}\n`));
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT });
      // The activity bar is the last part to render; past it, commands and views can be used.
      await page.locator('.activitybar').waitFor({ timeout: STARTUP_TIMEOUT });
      const editor = new Editor(name, page, browser, url, tempDir, serverLog, browserLog, killServer);
      live.delete(cleanupOnExit);
      live.add(() => editor.closeSync());
      return editor;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      saveLogs(name, tempDir, serverLog, browserLog);
      cleanupOnExit();
      live.delete(cleanupOnExit);
      throw e;
    }
  }

  // ---- files and text ----------------------------------------------------------------------------------

  /** Opens a workspace file by name through Quick Open (Ctrl+P) and waits until its tab is active. */
  async openFile(relPath: string): Promise<void> {
    const base = path.basename(relPath);
    await this.quickInput('Control+P', relPath);
    // Enter opens the focused row: wait until that is the file (a file opened before is listed under "recently
    // opened" before the filter applies, so any row naming it would be seen too early).
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: base }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${base}"]`).waitFor();
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /** The browser clipboard's text (the harness grants clipboard access). */
  async clipboardText(): Promise<string> {
    return String(await this.page.evaluate('navigator.clipboard.readText()'));
  }

  /** Waits until the clipboard text matches and returns it. */
  async waitForClipboard(match: RegExp): Promise<string> {
    let text = '';
    await waitUntil(async () => match.test((text = await this.clipboardText())), `the clipboard to match ${match} (had ${JSON.stringify(text)})`);
    return text;
  }

  /** The active editor's whole text (select all + copy; afterwards the cursor is at the end, no selection). */
  async editorText(): Promise<string> {
    await this.focusEditor();
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    // Copying an empty selection copies "the current line": an empty document is answered from the DOM. One
    // rendered empty line is an empty document only if it is line 1: an editor scrolled to its last (empty)
    // line renders just that one too.
    if ((await lines.count()) === 1 && normalizeSpace(await lines.first().innerText()) === '') {
      const numbers = (await this.page.locator('.editor-group-container.active .monaco-editor .margin-view-overlays .line-numbers').allInnerTexts()).map(normalizeSpace);
      if (numbers.length === 0 || (numbers.length === 1 && numbers[0] === '1')) return '';
    }
    await this.page.evaluate("navigator.clipboard.writeText('\\u0000')");
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    await this.page.keyboard.press('Escape');
    let text = '\u0000';
    await waitUntil(async () => {
      text = await this.clipboardText();
      return text !== '\u0000';
    }, 'the editor text to reach the clipboard');
    return text;
  }

  /** Types like a user, key by key (auto-closing and auto-indent apply) at the cursor of the active editor. */
  async typeText(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.type(text);
  }

  /**
   * Inserts text verbatim at the cursor, replacing the selection: pasted through the clipboard, so no
   * auto-closing or auto-indent applies (multi-line fixtures stay as written). Overwrites the clipboard.
   */
  async insertText(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
    const before = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText();
    await this.page.keyboard.press('Control+V');
    if (text !== '') {
      await waitUntil(
        async () => (await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()) !== before,
        'the pasted text to render',
      );
    }
  }

  /** Moves the cursor to a 1-based line and column with "Go to Line" (Ctrl+G). */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.quickInput('Control+G', `${line}:${column}`, ':');
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  async save(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
  }

  private async focusEditor(): Promise<void> {
    const ed = this.page.locator('.editor-group-container.active .monaco-editor textarea.inputarea, .editor-group-container.active .monaco-editor .native-edit-context').first();
    await ed.focus();
  }

  // ---- commands and notifications -----------------------------------------------------------------------

  /**
   * Runs a command from the palette (F1) by its title as the palette shows it, e.g.
   * "KVM Networking: Show Log". Waits until the palette has closed.
   */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('F1', title, '>');
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    });
    await row.first().waitFor();
    await row.first().click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Starts a palette command whose own quick picks/input boxes follow at once (runCommand waits for the palette
   * to close, which such a command keeps open): picks the row with exactly that title and presses Enter.
   */
  async startCommand(title: string): Promise<void> {
    await this.quickInput('F1', title, '>');
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    });
    await row.first().waitFor();
    await row.first().click();
  }

  /**
   * Waits for the quick pick / input box whose title matches, optionally fills its input (a quick pick filters
   * on it), and accepts with Enter (the first matching row of a quick pick).
   */
  async answerQuickInput(title: RegExp | string, text?: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    if (text !== undefined) await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** The rows a quick pick with this title offers, top to bottom: "LABEL" or "LABEL DESCRIPTION". */
  async quickPickRows(title: RegExp | string): Promise<string[]> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const texts = await rows.evaluateAll((nodes) =>
      (nodes as unknown as DomElement[]).map((el) => ({
        index: Number(el.getAttribute('data-index') ?? '0'),
        text: [el.querySelector('.label-name')?.textContent ?? '', el.querySelector('.label-description')?.textContent ?? '']
          .map((t) => t.replace(/\s+/g, ' ').trim())
          .filter((t) => t !== '')
          .join(' '),
      })),
    );
    return texts.sort((a, b) => a.index - b.index).map((r) => r.text);
  }

  /** The titles of the code lenses the active editor shows (waits until there is at least one). */
  async codeLensTitles(): Promise<string[]> {
    const links = this.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a');
    await links.first().waitFor();
    return (await links.allInnerTexts()).map(normalizeSpace);
  }

  /** Clicks a code lens of the active editor by its title; `nth` picks among lenses with the same title. */
  async clickCodeLens(title: string | RegExp, nth = 0): Promise<void> {
    const link = this.page
      .locator('.editor-group-container.active .monaco-editor .codelens-decoration a')
      .filter({ hasText: typeof title === 'string' ? new RegExp(`^${escapeRegExp(title)}$`) : title })
      .nth(nth);
    await link.waitFor();
    await link.click();
  }

  /** Clicks a button (e.g. "Insert…") of the notification toast whose message matches. */
  async notificationAction(match: RegExp | string, button: string): Promise<void> {
    const toast = this.page.locator('.notification-toast', {
      has: this.page.locator('.notification-list-item-message', { hasText: match }),
    }).first();
    await toast.waitFor();
    await toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) }).first().click();
  }

  /** Waits for a modal dialog (e.g. a confirmation) and returns its text: message, detail and buttons, line breaks kept. */
  async waitForDialog(): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.waitFor();
    return (await dialog.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Clicks a button of the open modal dialog by its label and waits until the dialog closed. */
  async answerDialog(button: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) }).first().click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** The commands the palette offers for a filter text (titles as shown). */
  async paletteCommands(filter: string): Promise<string[]> {
    await this.quickInput('F1', filter, '>');
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    const titles = await this.page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    return titles.map(normalizeSpace);
  }

  /** Opens a quick input with KEY and types TEXT after the prefix VS Code put there. */
  private async quickInput(key: string, text: string, prefix = ''): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
    }
    await this.page.keyboard.press(key);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(prefix + text);
  }

  /** Texts of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    const texts = await this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    return texts.map(normalizeSpace);
  }

  /** Waits for a toast whose text matches and returns that text. */
  async waitForNotification(match: RegExp | string): Promise<string> {
    const toast = this.page.locator('.notification-toast .notification-list-item-message', { hasText: match }).first();
    await toast.waitFor();
    return normalizeSpace(await toast.innerText());
  }

  /** Texts of the status bar entries. */
  async statusBarTexts(): Promise<string[]> {
    const texts = await this.page.locator('.statusbar .statusbar-item').allInnerTexts();
    return texts.map(normalizeSpace).filter((t) => t !== '');
  }

  // ---- diagnostics --------------------------------------------------------------------------------------

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

  // ---- views --------------------------------------------------------------------------------------------

  /** Opens a view container from the activity bar by its title (e.g. "KVM Networking"). */
  async openViewContainer(title: string): Promise<void> {
    const li = this.page.locator('.activitybar .action-item', { has: this.page.locator(`a[aria-label^="${cssString(title)}"]`) }).first();
    await li.waitFor();
    if ((await li.getAttribute('class'))?.includes('checked') !== true) {
      await li.locator('a').first().click();
      // Off the activity bar, so its tooltip does not linger in screenshots.
      await this.page.mouse.move(700, 400);
      await this.page.keyboard.press('Escape');
    }
    await this.page.locator(`.sidebar .composite.title h2`, { hasText: title }).first().waitFor();
  }

  /** The pane of a view in the side bar by its title (e.g. "Devices"); expands it when collapsed. */
  async view(viewTitle: string): Promise<Locator> {
    const pane = this.page.locator('.sidebar .pane', {
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(viewTitle)}$`, 'i') }),
    }).first();
    await pane.waitFor();
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await pane.locator('.pane-body').waitFor();
    return pane;
  }

  /** The rows a tree view currently renders, top to bottom (waits until it shows at least one). */
  async treeItems(viewTitle: string): Promise<TreeItem[]> {
    const pane = await this.view(viewTitle);
    const rows = pane.locator('.pane-body .monaco-list-row');
    await rows.first().waitFor();
    // One DOM read of all rows: optional parts (description, twistie) must not cost a wait each.
    const items = await rows.evaluateAll((nodes) =>
      (nodes as unknown as DomElement[]).map((el) => {
        const text = (sel: string): string => (el.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        const expanded = el.getAttribute('aria-expanded');
        return {
          index: Number(el.getAttribute('data-index') ?? '0'),
          label: text('.label-name'),
          description: text('.label-description'),
          depth: Number(el.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
          ariaLabel: el.getAttribute('aria-label') ?? '',
        };
      }),
    );
    return items.sort((a, b) => a.index - b.index).map(({ index: _index, ...item }) => item);
  }

  /** Waits until a tree view shows an item with this label and returns its row. */
  async treeItem(viewTitle: string, label: string | RegExp): Promise<Locator> {
    const pane = await this.view(viewTitle);
    const row = pane
      .locator('.pane-body .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label }) })
      .first();
    await row.waitFor();
    return row;
  }

  /**
   * Expands a tree item (no-op when already expanded) and waits until its children rendered. An item whose
   * children are empty keeps its twistie in VS Code, so with `{ waitForChildren: false }` it only expands.
   */
  async expandTreeItem(viewTitle: string, label: string | RegExp, { waitForChildren = true } = {}): Promise<void> {
    const pane = await this.view(viewTitle);
    const row = await this.treeItem(viewTitle, label);
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await waitUntil(async () => (await row.getAttribute('aria-expanded')) === 'true', `tree item ${String(label)} to expand`);
    }
    if (!waitForChildren) return;
    // Children come from the extension asynchronously: done when the twistie stopped loading and either a
    // row one level deeper follows or the item turned out to have no children (no longer collapsible).
    // The row's index is re-read each time: a refresh elsewhere in the tree shifts it.
    await waitUntil(
      async () => {
        if ((await row.getAttribute('aria-expanded')) === 'false') {
          await row.locator('.monaco-tl-twistie').click(); // a refresh re-created the item collapsed
          return false;
        }
        const at = { index: Number(await row.getAttribute('data-index')), level: Number((await row.getAttribute('aria-level')) ?? '1') };
        return pane.evaluate(
          (node, { index, level }) => {
            const el = node as unknown as DomElement;
            const self = el.querySelector(`.pane-body .monaco-list-row[data-index="${index}"]`);
            if (self?.getAttribute('aria-expanded') !== 'true') return false;
            const twistie = self.querySelector('.monaco-tl-twistie')?.className ?? '';
            if (twistie.includes('loading')) return false;
            const next = el.querySelector(`.pane-body .monaco-list-row[data-index="${index + 1}"]`);
            return Number(next?.getAttribute('aria-level') ?? '0') > level || !twistie.includes('collapsible');
          },
          at,
        );
      },
      `the children of tree item ${String(label)}`,
    );
  }

  /** Right-clicks a tree item and invokes an action of its context menu by title. */
  async contextMenu(viewTitle: string, itemLabel: string | RegExp, actionTitle: string | RegExp): Promise<void> {
    await this.contextMenuOn(await this.treeItem(viewTitle, itemLabel), actionTitle);
  }

  /** The titles of a tree item's context menu (the menu is closed again). */
  async contextMenuTitles(viewTitle: string, itemLabel: string | RegExp): Promise<string[]> {
    return this.contextMenuTitlesOn(await this.treeItem(viewTitle, itemLabel));
  }

  /** The titles of any element's context menu (tree row, tab, editor line); the menu is closed again. */
  async contextMenuTitlesOn(target: Locator): Promise<string[]> {
    const row = target;
    await this.dismissHover();
    await row.click({ button: 'right' });
    const items = this.page.locator('.monaco-menu .action-item a.action-menu-item:visible .action-label');
    await items.first().waitFor();
    const titles = (await items.allInnerTexts()).map(normalizeSpace).filter((t) => t !== '');
    await this.page.keyboard.press('Escape');
    await items.first().waitFor({ state: 'detached' });
    return titles;
  }

  /**
   * Right-clicks any element (tree row, tab, editor) and invokes a context-menu action by title. The item is
   * focused by hovering and run with Enter: a mouse click on a freshly opened menu is sometimes dropped.
   */
  async contextMenuOn(target: Locator, actionTitle: string | RegExp): Promise<void> {
    await this.dismissHover();
    await target.click({ button: 'right' });
    // The web workbench renders menus in a shadow root; playwright's CSS engine pierces it.
    const item = this.page
      .locator('.monaco-menu li.action-item:visible')
      .filter({
        has: this.page.locator('a.action-menu-item .action-label', {
          hasText: typeof actionTitle === 'string' ? new RegExp(`^${escapeRegExp(actionTitle)}$`) : actionTitle,
        }),
      })
      .first();
    await item.waitFor();
    await waitUntil(async () => {
      await item.hover();
      return /\bfocused\b/.test((await item.getAttribute('class')) ?? '');
    }, `context-menu item ${String(actionTitle)} to take focus`);
    await this.page.keyboard.press('Enter');
    await item.waitFor({ state: 'hidden' });
  }

  /** A tooltip left open by the last hover would take the next right-click: move away until it closes. */
  private async dismissHover(): Promise<void> {
    const hover = this.page.locator('.workbench-hover:visible, .monaco-hover:visible').first();
    if ((await hover.count()) === 0) return;
    await this.page.mouse.move(900, 300);
    await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /** Clicks an inline (hover) action of a tree item, by its title (tooltip). */
  async inlineAction(viewTitle: string, itemLabel: string | RegExp, actionTitle: string): Promise<void> {
    const row = await this.treeItem(viewTitle, itemLabel);
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${cssString(actionTitle)}"]`).first().click();
  }

  /** Clicks a view's title-bar action (e.g. "Refresh Devices"). */
  async viewTitleAction(viewTitle: string, actionTitle: string): Promise<void> {
    const pane = await this.view(viewTitle);
    await pane.locator('.pane-header').hover();
    await pane.locator(`.pane-header .actions .action-label[aria-label^="${cssString(actionTitle)}"]`).first().click();
  }

  // ---- settings, logs, screenshots ----------------------------------------------------------------------

  /**
   * Merges settings into the User settings and applies them through the editor (Preferences: Open User
   * Settings (JSON), replace, save): VS Code does not notice a write to the file behind its back here.
   * Leaves settings.json as the active editor.
   */
  async updateSettings(settings: Record<string, unknown>): Promise<void> {
    const file = path.join(this.userDataDir, 'User', 'settings.json');
    const merged = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...settings };
    await this.runCommand('Preferences: Open User Settings (JSON)');
    await this.page.locator('.tabs-container .tab.active[data-resource-name="settings.json"]').waitFor();
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
    await this.insertText(JSON.stringify(merged, null, 2));
    await this.save();
    await waitUntil(() => {
      const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return Object.entries(settings).every(([k, v]) => JSON.stringify(now[k]) === JSON.stringify(v));
    }, 'settings.json to be saved');
  }

  /** The "KVM Networking" output channel as written to disk by the extension host ('' before activation). */
  extensionLog(): string {
    const file = walk(path.join(this.userDataDir, 'logs')).find((f) => /KVM Networking\.log$/.test(f));
    return file ? readFileSync(file, 'utf8') : '';
  }

  /** Waits until the extension's output channel contains a match (e.g. /activated/), returns the log. */
  async waitForExtensionLog(match: RegExp): Promise<string> {
    let log = '';
    await waitUntil(async () => match.test((log = this.extensionLog())), `the KVM Networking log to match ${match}`);
    return log;
  }

  /** Saves a PNG of the whole window to test-results/NAME.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Stops browser and code-server, keeps the logs in test-results/NAME-logs/, removes the temp dirs. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    // The last state of the window, for failed runs: test-results/NAME-logs/final.png.
    const finalShot = await this.page.screenshot({ timeout: 10_000 }).catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    this.closeSync(finalShot);
  }

  private closeSync(finalShot?: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    this.killServer();
    try {
      saveLogs(this.name, this.tempDir, this.serverLog, this.browserLog);
      if (finalShot) writeFileSync(path.join(resultsDir, `${this.name}-logs`, 'final.png'), finalShot);
    } finally {
      rmSync(this.tempDir, { recursive: true, force: true });
    }
  }
}

/** Starts code-server with the extension and a fixture workspace; see EditorOptions. Always `close()` it. */
export function startEditor(opts: EditorOptions = {}): Promise<Editor> {
  return Editor.start(opts);
}

/** Copies code-server's output, VS Code's logs (extension host, output channels) and the browser console. */
function saveLogs(name: string, tempDir: string, serverLog: string[], browserLog: string[]): void {
  const dir = path.join(resultsDir, `${name}-logs`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'code-server.log'), serverLog.join(''));
  writeFileSync(path.join(dir, 'browser-console.log'), browserLog.join(''));
  const logs = path.join(tempDir, 'ud', 'logs');
  if (existsSync(logs)) cpSync(logs, path.join(dir, 'vscode'), { recursive: true });
}

/** Polls an async condition (DOM or file) until true; fails with what was awaited. */
export async function waitUntil(cond: () => Promise<boolean> | boolean, what: string, timeoutMs = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
