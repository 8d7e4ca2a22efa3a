import * as vscode from 'vscode';
import type { Finding, Fix } from '../core/findings';
import { lintText } from '../core/lint';
import { Config } from './config';
import { toDiagnostic, toWorkspaceEdit } from './convert';
import type { Log } from './log';

const DEBOUNCE_MS = 250;
const SELECTOR: vscode.DocumentSelector = [
  { language: 'xml' },
  { language: 'shellscript' },
  { scheme: 'untitled' },
];

/** Fixes of the findings currently shown, per document, so code actions offer exactly what the checker computed. */
type FixIndex = Map<string, { version: number; entries: { diagnostic: vscode.Diagnostic; fixes: readonly Fix[] }[] }>;

function sameDiagnostic(a: vscode.Diagnostic, b: vscode.Diagnostic): boolean {
  return a.range.isEqual(b.range) && a.message === b.message && String(a.code) === String(b.code);
}

function isForcedXml(doc: vscode.TextDocument, globs: string[]): boolean {
  return globs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}

/** Lints libvirt XML and launch scripts as the user types; owns the diagnostic collection and its quick fixes. */
export function registerDiagnostics(log: Log): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('kvmnet');
  const fixIndex: FixIndex = new Map();
  const timers = new Map<string, NodeJS.Timeout>();
  const skippedNoticeShown = new Set<string>();

  async function lint(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const version = doc.version;
    const config = Config.current();
    try {
      const schemaDir = config.schemaPath;
      const result = await lintText(doc.fileName, doc.getText(), {
        forceXml: isForcedXml(doc, config.xmlFiles),
        ...(schemaDir ? { schemaDir } : {}),
      });
      if (doc.isClosed || doc.version !== version) return; // a newer run will report
      if (result.skipped && !skippedNoticeShown.has(key)) {
        skippedNoticeShown.add(key);
        log.info(`Not linting ${doc.uri.fsPath}: ${result.skipped}`);
        vscode.window.setStatusBarMessage(`KVM Networking: not linting this file (${result.skipped})`, 8000);
      }
      publish(doc, result.findings);
    } catch (e) {
      // A checker bug must never reach the user as an exception: log it and keep the old diagnostics.
      log.error(`Lint of ${doc.uri.fsPath} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  function publish(doc: vscode.TextDocument, findings: readonly Finding[]): void {
    const entries = findings.map((f) => ({ diagnostic: toDiagnostic(f), fixes: f.fixes ?? [] }));
    fixIndex.set(doc.uri.toString(), { version: doc.version, entries });
    collection.set(doc.uri, entries.map((e) => e.diagnostic));
  }

  function schedule(doc: vscode.TextDocument): void {
    if (vscode.languages.match(SELECTOR, doc) === 0) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void lint(doc);
      }, DEBOUNCE_MS),
    );
  }

  function forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    fixIndex.delete(key);
    collection.delete(doc.uri);
  }

  const codeActions: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const entry = fixIndex.get(doc.uri.toString());
      if (!entry || entry.version !== doc.version) return [];
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of context.diagnostics) {
        const match = entry.entries.find((e) => sameDiagnostic(e.diagnostic, diagnostic));
        for (const fix of match?.fixes ?? []) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          action.isPreferred = fix.isPreferred ?? false;
          action.edit = toWorkspaceEdit(doc.uri, fix.edits);
          actions.push(action);
        }
      }
      return actions;
    },
  };

  vscode.workspace.textDocuments.forEach(schedule);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kvmnet')) vscode.workspace.textDocuments.forEach(schedule);
    }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, codeActions, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}
