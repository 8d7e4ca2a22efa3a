import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
import { explain } from '../../core/kb/explain';
import { explanationMarkdown } from '../../core/kb/markdown';
import type { Log } from '../log';
import { EXPLAIN_HOVER_SELECTOR, ExplainHoverProvider } from './hover';
import { Commands } from '../commands';

const SCHEME = 'kvmnet-explain';
/** Largest text taken from the clipboard or a selection. */
const MAX_INPUT = 200_000;
/** Matches written to the log per explanation, and their longest text: the log stays readable. */
const MAX_LOGGED = 20;
const MAX_LOGGED_CHARS = 500;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, MAX_LOGGED_CHARS);
}

/** Serves the generated explanations as read-only markdown documents (no untitled buffer to save on close). */
class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  add(markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/Explanation ${++this.counter}.md` });
    this.contents.set(uri.toString(), markdown);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# Explanation no longer available\n';
  }
}

interface Input {
  readonly text: string;
  readonly source: 'selection' | 'clipboard' | 'typed text';
}

async function readInput(): Promise<Input | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor?.selections.map((s) => editor.document.getText(s)).join('\n') ?? '';
  if (selected.trim() !== '') return { text: selected.slice(0, MAX_INPUT), source: 'selection' };
  const clip = (await vscode.env.clipboard.readText()).slice(0, MAX_INPUT);
  if (clip.trim() !== '' && explain(clip).length > 0) return { text: clip, source: 'clipboard' };
  const typed = await vscode.window.showInputBox({
    title: 'Explain Error Message',
    prompt: 'Paste or type a QEMU, libvirt or kernel error message',
    placeHolder: "e.g. Device 'tap' could not be initialized",
    value: clip.trim() !== '' ? clip.split('\n')[0]!.slice(0, 500) : '',
  });
  return typed?.trim() ? { text: typed, source: 'typed text' } : undefined;
}

/** Explains the selection (else the clipboard, else typed text) in a markdown preview. */
async function explainCommand(docs: ExplanationDocuments, log: Log, text?: string): Promise<void> {
  const input = typeof text === 'string' && text.trim() !== '' ? { text, source: 'typed text' as const } : await readInput();
  if (!input) return;
  const matches = explain(input.text);
  log.info(`explain: ${matches.length} match(es) in the ${input.source}`);
  // The messages themselves go to the log too: a record of what was explained, and the hover
  // explains them again there (see hover.ts).
  for (const m of matches.slice(0, MAX_LOGGED)) log.info(`explain: ${m.entry.id}: ${oneLine(m.text)}`);
  if (matches.length === 0) {
    void vscode.window.showInformationMessage(`No known error message found in the ${input.source}.`);
    return;
  }
  const uri = docs.add(explanationMarkdown(matches, input.source));
  await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
}

/** "Explain Error Message" and the hover for .log files and output channels. */
export function registerExplain(log: Log): vscode.Disposable {
  const docs = new ExplanationDocuments();
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    registerGuarded(log, Commands.explainError, 'Explain Error Message', (text?: unknown) => explainCommand(docs, log, typeof text === 'string' ? text : undefined)),
    vscode.languages.registerHoverProvider(EXPLAIN_HOVER_SELECTOR, new ExplainHoverProvider()),
  );
}
