import * as vscode from 'vscode';
import { sameFindings, type Finding, type Fix } from '../core/findings';
import { cancelLint, lintOffThread } from '../core/lint';
import { MAX_EDITOR_FINDINGS } from '../core/limits';
import { applyLintPolicy } from '../core/lintConfig/policy';
import { suppressionFix } from '../core/lintConfig/suppress';
import { Config } from './config';
import { codeValue, fromVsRange, toDiagnostic, toWorkspaceEdit } from './convert';
import { documentKindOf, EditorLintPolicy } from './lintPolicy';
import type { Log } from './log';
import { DEFINITION_BASE_SCHEME } from './schemes';

const DEBOUNCE_MS = 250;
const SELECTOR: vscode.DocumentSelector = [
  { language: 'xml' },
  { language: 'shellscript' },
  { scheme: 'untitled' },
];

/** A diagnostic as published, with the fixes its checker computed. */
export interface FixEntry {
  readonly diagnostic: vscode.Diagnostic;
  readonly fixes: readonly Fix[];
}

interface Published {
  /** Whether the document still has the text the fixes were computed on (else they would edit the wrong bytes). */
  readonly current: (doc: vscode.TextDocument) => boolean;
  readonly entries: readonly FixEntry[];
}

/**
 * The fixes of the diagnostics currently shown, per diagnostic collection and document, so the one code action
 * provider below offers exactly what a checker computed: the per-file linter's and the workspace scans'.
 */
export class FixIndex {
  private readonly bySource = new Map<string, Map<string, Published>>();

  /** Replaces what `source` published for `uri`; only entries with fixes are kept. */
  set(source: string, uri: vscode.Uri, current: Published['current'], entries: readonly FixEntry[]): void {
    const withFixes = entries.filter((e) => e.fixes.length > 0);
    let docs = this.bySource.get(source);
    if (withFixes.length === 0) {
      docs?.delete(uri.toString());
      return;
    }
    if (!docs) this.bySource.set(source, (docs = new Map()));
    docs.set(uri.toString(), { current, entries: withFixes });
  }

  /** Forgets what `source` published for `uri`, or for every document. */
  delete(source: string, uri?: vscode.Uri): void {
    if (uri) this.bySource.get(source)?.delete(uri.toString());
    else this.bySource.delete(source);
  }

  /** The fixes published for this diagnostic of `doc`, if the document is unchanged since. */
  fixesFor(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic): readonly Fix[] {
    for (const docs of this.bySource.values()) {
      const published = docs.get(doc.uri.toString());
      const match = published?.entries.find((e) => sameDiagnostic(e.diagnostic, diagnostic));
      if (match && published!.current(doc)) return match.fixes;
    }
    return [];
  }
}

const SOURCE = 'kvmnet';

function sameDiagnostic(a: vscode.Diagnostic, b: vscode.Diagnostic): boolean {
  return a.range.isEqual(b.range) && a.message === b.message && codeValue(a.code) === codeValue(b.code);
}

function isForcedXml(doc: vscode.TextDocument, globs: string[]): boolean {
  return globs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}

/**
 * Lints libvirt XML and launch scripts as the user types; owns the per-file diagnostic collection and the one
 * code action provider that offers the fixes of every collection publishing into fixIndex (workspace scans too).
 */
export function registerDiagnostics(log: Log, fixIndex: FixIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(SOURCE);
  const timers = new Map<string, NodeJS.Timeout>();
  const skippedNoticeShown = new Set<string>();
  // What each document shows now: an unchanged result is not sent to the workbench again.
  const shown = new Map<string, { findings: readonly Finding[]; diagnostics: readonly vscode.Diagnostic[] }>();
  // .kvmnetrc.json and kvmnet.lint.rules, as kvmnet lint applies them; a changed config relints open documents.
  const policy = new EditorLintPolicy(log, () => vscode.workspace.textDocuments.forEach(schedule));

  async function lint(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const version = doc.version;
    const config = Config.current();
    try {
      const schemaDir = config.schemaPath;
      // In the lint worker: this thread only posts the text. A newer edit of the document supersedes this run.
      const text = doc.getText();
      const result = await lintOffThread(
        doc.fileName,
        text,
        { forceXml: isForcedXml(doc, config.xmlFiles), maxFindings: MAX_EDITOR_FINDINGS, ...(schemaDir ? { schemaDir } : {}) },
        key,
      );
      if (!result || doc.isClosed || doc.version !== version) return; // a newer run will report
      if (result.skipped && !skippedNoticeShown.has(key)) {
        skippedNoticeShown.add(key);
        log.info(`Not linting ${doc.uri.fsPath}: ${result.skipped}`);
        vscode.window.setStatusBarMessage(`KVM Networking: not linting this file (${result.skipped})`, 8000);
      }
      const settings = await policy.settings(doc);
      if (doc.isClosed || doc.version !== version) return;
      publish(doc, applyLintPolicy(result.kind, text, result.findings, settings));
    } catch (e) {
      // A checker bug must never reach the user as an exception: log it and keep the old diagnostics.
      log.error(`Lint of ${doc.uri.fsPath} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  function publish(doc: vscode.TextDocument, findings: readonly Finding[]): void {
    const key = doc.uri.toString();
    const before = shown.get(key);
    const same = before !== undefined && sameFindings(before.findings, findings);
    const diagnostics = same ? before.diagnostics : findings.map(toDiagnostic);
    const version = doc.version;
    // The fixes are always the new ones: they were computed on this version's text.
    fixIndex.set(SOURCE, doc.uri, (d) => d.version === version, findings.map((f, i) => ({ diagnostic: diagnostics[i]!, fixes: f.fixes ?? [] })));
    if (same) return;
    shown.set(key, { findings, diagnostics });
    collection.set(doc.uri, [...diagnostics]);
  }

  function schedule(doc: vscode.TextDocument): void {
    if (vscode.languages.match(SELECTOR, doc) === 0 || doc.uri.scheme === DEFINITION_BASE_SCHEME) return;
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
    cancelLint(key);
    fixIndex.delete(SOURCE, doc.uri);
    shown.delete(key);
    collection.delete(doc.uri);
  }

  const codeActions: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of context.diagnostics) {
        for (const fix of fixIndex.fixesFor(doc, diagnostic)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          action.isPreferred = fix.isPreferred ?? false;
          action.edit = toWorkspaceEdit(doc.uri, fix.edits);
          actions.push(action);
        }
        if (diagnostic.source?.startsWith('kvmnet') && codeValue(diagnostic.code)) {
          // Writes the inline directive kvmnet lint honours too (never preferred: it hides, it does not fix).
          const finding = { range: fromVsRange(diagnostic.range), severity: 'warning' as const, code: codeValue(diagnostic.code), message: diagnostic.message, source: 'kvmnet' as const };
          const fix = suppressionFix(documentKindOf(doc), doc.getText(), finding);
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
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
    policy,
    { dispose: () => fixIndex.delete(SOURCE) },
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
