import * as vscode from 'vscode';
import { explain } from '../../core/kb/explain';
import { entryMarkdown } from '../../core/kb/markdown';

/** Longest line the hover looks at: log lines can be huge (a base64 blob) and hovers must stay instant. */
const MAX_LINE = 4000;

/** Explains a known error message under the mouse in `.log` files and in output channels. */
export class ExplainHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text.slice(0, MAX_LINE);
    const hit = explain(line).find((m) => m.start <= position.character && position.character <= m.end);
    if (!hit) return undefined;
    // Entry text is ours; the matched log text is not and never reaches the markdown.
    const md = new vscode.MarkdownString(entryMarkdown(hit.entry, '####'));
    return new vscode.Hover(md, new vscode.Range(position.line, hit.start, position.line, hit.end));
  }
}

/**
 * `.log` files, and every output channel by its `output` scheme (plain channels of other extensions default to
 * language `Log`, not `log`). Checked in VS Code 1.100 (code-server 4.100.3): the Output panel's editor is read-only
 * but keeps hovers, channel documents reach the extension host, and "Open Output in Editor" (Output view
 * title bar, hidden by default) opens the same `output:` document in a normal editor; the hover shows in
 * both (test/e2e/explain-output.test.ts, which also passed with the `output` scheme as the only selector).
 */
export const EXPLAIN_HOVER_SELECTOR: vscode.DocumentSelector = [{ language: 'log' }, { scheme: 'output' }];
