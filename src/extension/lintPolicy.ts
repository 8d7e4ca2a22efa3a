import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentKind } from '../core/documentKind';
import { knownLintCodes } from '../core/rules';
import { CONFIG_FILE_NAME, ConfigError, MAX_CONFIG_BYTES, parseLintConfig, settingsFor, type LintConfig, type RuleSetting, type RuleSettings } from '../core/lintConfig/config';
import type { Log } from './log';

const SETTINGS: readonly string[] = ['error', 'warning', 'info', 'hint', 'off'];

/**
 * The editor's rule settings for a document: the nearest .kvmnetrc.json above it (the file `kvmnet lint` reads,
 * read the same way: a regular file under MAX_CONFIG_BYTES, parsed as data) with `kvmnet.lint.rules` on top.
 * Configs are cached per directory until a .kvmnetrc.json changes. A broken config is logged once and ignored
 * (the setting still applies), never thrown at the user.
 */
export class EditorLintPolicy implements vscode.Disposable {
  private readonly byDir = new Map<string, Promise<LintConfig | undefined>>();
  private readonly known = knownLintCodes();
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);

  constructor(
    private readonly log: Log,
    private readonly onChange: () => void,
  ) {
    const reset = () => {
      this.byDir.clear();
      this.onChange();
    };
    this.watcher.onDidChange(reset);
    this.watcher.onDidCreate(reset);
    this.watcher.onDidDelete(reset);
  }

  dispose(): void {
    this.watcher.dispose();
  }

  async settings(doc: vscode.TextDocument): Promise<RuleSettings> {
    const extra = this.fromSetting(doc);
    if (doc.uri.scheme !== 'file') return extra;
    const config = await this.nearest(path.dirname(doc.uri.fsPath));
    if (!config) return extra;
    return settingsFor(config, path.relative(path.dirname(config.file), doc.uri.fsPath).split(path.sep).join('/'), extra);
  }

  private fromSetting(doc: vscode.TextDocument): RuleSettings {
    const raw = vscode.workspace.getConfiguration('kvmnet', doc.uri).get<unknown>('lint.rules');
    const out: Record<string, RuleSetting> = {};
    if (!raw || typeof raw !== 'object') return out;
    for (const [code, value] of Object.entries(raw as Record<string, unknown>)) {
      if (this.known.has(code) && typeof value === 'string' && SETTINGS.includes(value)) out[code] = value as RuleSetting;
      else this.log.warn(`kvmnet.lint.rules: ignoring '${code}': ${this.known.has(code) ? `'${String(value)}' is not one of ${SETTINGS.join(', ')}` : 'unknown rule code'}`);
    }
    return out;
  }

  private nearest(dir: string): Promise<LintConfig | undefined> {
    let found = this.byDir.get(dir);
    if (!found) {
      found = this.lookIn(dir);
      this.byDir.set(dir, found);
    }
    return found;
  }

  private async lookIn(dir: string): Promise<LintConfig | undefined> {
    const file = path.join(dir, CONFIG_FILE_NAME);
    let text: string | undefined;
    try {
      text = await readConfig(file);
    } catch (e) {
      this.log.error(`${file}: ${(e as Error).message}; not used`);
      return undefined;
    }
    if (text === undefined) {
      const parent = path.dirname(dir);
      return parent === dir ? undefined : this.nearest(parent);
    }
    try {
      return parseLintConfig(file, text, this.known);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.log.error(`${e.message} (lint config not used)`);
      return undefined;
    }
  }
}

/** The config's text, undefined when there is none; refuses what is not a regular file under the cap. */
async function readConfig(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_CONFIG_BYTES) throw new Error(`${st.size} bytes, over the ${MAX_CONFIG_BYTES} byte limit`);
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_CONFIG_BYTES) throw new Error('grew over the limit while read');
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The kind the suppression quick fix writes for: XML comment or shell comment. */
export function documentKindOf(doc: vscode.TextDocument): DocumentKind {
  return doc.languageId === 'xml' || doc.getText(new vscode.Range(0, 0, 0, 1)) === '<' ? 'libvirt-xml' : 'launch-script';
}
