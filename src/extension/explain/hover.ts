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

export const EXPLAIN_HOVER_SELECTOR: vscode.DocumentSelector = [{ language: 'log' }, { scheme: 'output' }];
