// The editor's lifecycle (code-server + Chromium started, logs kept, closed), the palette and quick input every
// other layer uses, the extension's log and its internal probes. The layers above add one concern each:
// text.ts → commands.ts → diagnostics.ts → views.ts (the Editor the tests use).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  codeServerEnv,
  ensureBuilt,
  ensureChromium,
  ensureCodeServer,
  installUnpacked,
  launchCodeServer,
  stopProcessGroup,
  writeUserSettings,
} from '../../../scripts/setup-code-server.mjs';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');
/** UI waits; the first code-server start on a machine is slower, so startup gets more. */
const STARTUP_TIMEOUT = 120_000;
export const UI_TIMEOUT = 30_000;

/** The little of the DOM the page-side callbacks use (the project's lib has no DOM types). */
export interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  readonly textContent: string | null;
  readonly className: string;
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

/**
 * The extension's internal commands (not contributed, so not in the palette), bound to keys in the user's
 * keybindings.json before the editor starts. Each writes one line to the extension's log: PREFIX + JSON.
 */
const PROBES = {
  diagnostics: { command: 'kvmnet.internal.diagnostics', vscodeKey: 'ctrl+alt+shift+f7', pageKey: 'Control+Alt+Shift+F7', args: {}, prefix: 'diagnostics probe ' },
  eventLoopReset: { command: 'kvmnet.internal.eventLoopStats', vscodeKey: 'ctrl+alt+shift+f9', pageKey: 'Control+Alt+Shift+F9', args: { reset: true }, prefix: 'event-loop stats ' },
  eventLoopRead: { command: 'kvmnet.internal.eventLoopStats', vscodeKey: 'ctrl+alt+shift+f10', pageKey: 'Control+Alt+Shift+F10', args: {}, prefix: 'event-loop stats ' },
} as const;
export type ProbeName = keyof typeof PROBES;

function writeProbeKeys(userDataDir: string): void {
  const bindings = Object.values(PROBES).map((p) => ({ key: p.vscodeKey, command: p.command, args: p.args }));
  writeFileSync(path.join(userDataDir, 'User', 'keybindings.json'), JSON.stringify(bindings, null, 2));
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

type SessionClass<T> = new (...args: ConstructorParameters<typeof Session>) => T;

export class Session {
  private closed = false;

  constructor(
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

  static async start<T extends Session>(this: SessionClass<T>, opts: EditorOptions = {}): Promise<T> {
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
      writeProbeKeys(ud);
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
      const editor = new this(name, page, browser, url, tempDir, serverLog, browserLog, killServer);
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

  /**
   * Runs a command from the palette (F1) by its title as the palette shows it, e.g.
   * "KVM Networking: Show Log". Waits until the palette has closed.
   */
  async runCommand(title: string): Promise<void> {
    await this.startCommand(title);
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

  /** Opens a quick input with KEY and types TEXT after the prefix VS Code put there. */
  protected async quickInput(key: string, text: string, prefix = ''): Promise<void> {
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

  protected async focusEditor(): Promise<void> {
    const ed = this.page.locator('.editor-group-container.active .monaco-editor textarea.inputarea, .editor-group-container.active .monaco-editor .native-edit-context').first();
    await ed.focus();
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

  /**
   * Runs an internal probe command by its key and returns what it logged (parsed JSON). Presses again until a new
   * line appears: the keybinding or the extension may still be loading.
   */
  async probe(name: ProbeName): Promise<unknown> {
    const p = PROBES[name];
    const lines = (): string[] => this.extensionLog().split('\n').filter((l) => l.includes(p.prefix));
    const seen = lines().length;
    await waitUntil(async () => {
      if (lines().length > seen) return true;
      await this.page.keyboard.press(p.pageKey);
      return lines().length > seen;
    }, `the extension to answer ${p.command} in its log (is it activated?)`);
    const line = lines()[seen]!;
    return JSON.parse(line.slice(line.indexOf(p.prefix) + p.prefix.length));
  }
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

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

export function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
