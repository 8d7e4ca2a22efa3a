import * as vscode from 'vscode';
import { libvirtRoot } from '../../core/documentKind';
import { MAX_LINT_BYTES } from '../../core/limits';
import { parseXml, type XmlDocument } from '../../core/xml/document';
import { duplicateMacsAcrossFiles } from '../../core/xml/rules';
import { toDiagnostic } from '../convert';
import type { Log } from '../log';

const MAX_FILES = 2000;
const DEBOUNCE_MS = 1000;

/**
 * Duplicate guest MACs across the workspace's libvirt XML files (two guests with
 * one MAC on a network break ARP/DHCP). Own diagnostic collection: the per-file
 * linter cannot see other files. Parsed files are cached by version/mtime.
 */
export function registerWorkspaceMacs(log: Log): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('kvmnet-workspace');
  const cache = new Map<string, { stamp: string; doc: XmlDocument | undefined }>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function load(uri: vscode.Uri): Promise<XmlDocument | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const stat = open ? undefined : await vscode.workspace.fs.stat(uri);
    const stamp = open ? `v${open.version}` : `m${stat!.mtime}:${stat!.size}`;
    const hit = cache.get(uri.toString());
    if (hit?.stamp === stamp) return hit.doc;
    let doc: XmlDocument | undefined;
    if (open || stat!.size <= MAX_LINT_BYTES) {
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      doc = libvirtRoot(text) !== undefined ? parseXml(text) : undefined;
    }
    cache.set(uri.toString(), { stamp, doc });
    return doc;
  }

  async function scan(): Promise<void> {
    if (running) return schedule();
    running = true;
    try {
      const uris = await vscode.workspace.findFiles('**/*.xml', '**/node_modules/**', MAX_FILES);
      const files: { file: string; uri: vscode.Uri; doc: XmlDocument }[] = [];
      for (const uri of uris) {
        try {
          const doc = await load(uri);
          if (doc) files.push({ file: vscode.workspace.asRelativePath(uri), uri, doc });
        } catch (e) {
          log.debug(`Skipping ${uri.fsPath} for duplicate MACs: ${String(e)}`);
        }
      }
      const byFile = duplicateMacsAcrossFiles(files);
      collection.clear();
      for (const f of files) collection.set(f.uri, (byFile.get(f.file) ?? []).map(toDiagnostic));
    } catch (e) {
      log.error(`Workspace MAC scan failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      running = false;
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void scan(), DEBOUNCE_MS);
  }

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.xml');
  schedule();
  return vscode.Disposable.from(
    collection,
    watcher,
    watcher.onDidCreate(schedule),
    watcher.onDidChange(schedule),
    watcher.onDidDelete((uri) => {
      cache.delete(uri.toString());
      schedule();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.path.endsWith('.xml')) schedule();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(schedule),
    { dispose: () => clearTimeout(timer) },
  );
}
