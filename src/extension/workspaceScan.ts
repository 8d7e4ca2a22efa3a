import * as vscode from 'vscode';
import type { DocumentKind } from '../core/documentKind';
import { MAX_LINT_BYTES } from '../core/limits';
import { workspaceMacsOffThread } from '../core/xml/schema/client';
import { toDiagnostic } from './convert';
import type { FixIndex } from './diagnostics';
import type { Log } from './log';

const DEBOUNCE_MS = 1000;

/**
 * A workspace-wide MAC check: which files to read and which are of its kind. The files are parsed and checked in
 * the lint worker (core/workspaceMacs): the extension host only reads them and takes a cheap look at their start.
 */
export interface WorkspaceScan {
  /** Diagnostic collection name (its own: the per-file linter cannot see other files). */
  readonly name: string;
  /** What the scan is for, in log messages. */
  readonly what: string;
  /** findFiles globs; their results are merged (each bounded by maxFiles). */
  readonly include: readonly string[];
  readonly maxFiles: number;
  /** File watcher glob. */
  readonly watch: string;
  /** Files that may be ours: only these are read, and only their changes (watcher, open/save/edit) rescan. */
  readonly candidate: (uri: vscode.Uri) => boolean;
  /** The kind of file checked (the worker's cross-file rule for it). */
  readonly kind: DocumentKind;
  /** Whether a file is of that kind, from its name and the start of its text: never a parse of the whole text. */
  readonly ofKind: (text: string, uri: vscode.Uri) => boolean;
}

/** A file as last read: its stamp (document version or mtime and size), and its text when it is of the kind. */
interface Loaded {
  readonly stamp: string;
  readonly text: string | undefined;
}

/**
 * Runs a cross-file check over the workspace, debounced, on file and editor changes, and publishes its findings
 * to its own collection; their fixes are offered as quick fixes through the FixIndex activate passes in. Texts are cached
 * by document version (open) or mtime and size (on disk); the worker keeps the parse of each unchanged text.
 */
export function registerWorkspaceScan(log: Log, fixIndex: FixIndex, scan: WorkspaceScan): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(scan.name);
  const cache = new Map<string, Loaded>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function load(uri: vscode.Uri): Promise<Loaded> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const stat = open ? undefined : await vscode.workspace.fs.stat(uri);
    const stamp = open ? `v${open.version}` : `m${stat!.mtime}:${stat!.size}`;
    const hit = cache.get(uri.toString());
    if (hit?.stamp === stamp) return hit;
    let loaded: Loaded = { stamp, text: undefined };
    if (open || stat!.size <= MAX_LINT_BYTES) {
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      // The text is kept only for files of the kind: the worker checks it, and their fixes are checked against it.
      if (scan.ofKind(text, uri)) loaded = { stamp, text };
    }
    cache.set(uri.toString(), loaded);
    return loaded;
  }

  async function run(): Promise<void> {
    if (running) return schedule();
    running = true;
    try {
      const seen = new Map<string, vscode.Uri>();
      for (const glob of scan.include) {
        for (const uri of await vscode.workspace.findFiles(glob, '**/node_modules/**', scan.maxFiles)) {
          if (scan.candidate(uri)) seen.set(uri.toString(), uri);
        }
      }
      const files: { file: string; path: string; uri: vscode.Uri; text: string }[] = [];
      for (const uri of seen.values()) {
        try {
          const { text } = await load(uri);
          if (text !== undefined) files.push({ file: vscode.workspace.asRelativePath(uri), path: uri.fsPath, uri, text });
        } catch (e) {
          log.debug(`Skipping ${uri.fsPath} for ${scan.what}: ${String(e)}`);
        }
      }
      const byFile = await workspaceMacsOffThread(scan.kind, files.map(({ file, path, text }) => ({ file, path, text })), `workspace-scan:${scan.name}`);
      if (!byFile) return; // superseded: the newer scan publishes
      collection.clear();
      fixIndex.delete(scan.name);
      for (const f of files) {
        const entries = (byFile.get(f.file) ?? []).map((finding) => ({ diagnostic: toDiagnostic(finding), fixes: finding.fixes ?? [] }));
        collection.set(f.uri, entries.map((e) => e.diagnostic));
        // The fixes hold for the text they were computed on, whether it came from an open editor or from disk.
        const text = f.text;
        fixIndex.set(scan.name, f.uri, (doc) => doc.getText() === text, entries);
      }
    } catch (e) {
      log.error(`Workspace scan for ${scan.what} failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      running = false;
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
  }

  const ifCandidate = (uri: vscode.Uri): void => {
    if (scan.candidate(uri)) schedule();
  };
  const watcher = vscode.workspace.createFileSystemWatcher(scan.watch);
  schedule();
  return vscode.Disposable.from(
    collection,
    { dispose: () => fixIndex.delete(scan.name) },
    watcher,
    watcher.onDidCreate(ifCandidate),
    watcher.onDidChange(ifCandidate),
    watcher.onDidDelete((uri) => {
      cache.delete(uri.toString());
      ifCandidate(uri);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => ifCandidate(e.document.uri)),
    vscode.workspace.onDidOpenTextDocument((d) => ifCandidate(d.uri)),
    vscode.workspace.onDidSaveTextDocument((d) => ifCandidate(d.uri)),
    vscode.workspace.onDidChangeWorkspaceFolders(schedule),
    { dispose: () => clearTimeout(timer) },
  );
}
