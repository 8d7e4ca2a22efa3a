import * as vscode from 'vscode';
import type { Finding, Severity } from '../core/findings';
import { ruleDocUrl } from '../core/lintConfig/ruleDocs';
import type { TextEdit, TextRange } from '../core/text';

export function toVsRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromVsRange(r: vscode.Range): TextRange {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

const severities: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toVsRange(f.range), f.message, severities[f.severity]);
  // The code links to its docs page (docs/rules/CODE.md).
  d.code = { value: f.code, target: vscode.Uri.parse(ruleDocUrl(f.code)) };
  d.source = f.source;
  return d;
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(uri, toVsRange(e.range), e.newText);
  return we;
}

/** A diagnostic's code as text, whether it is plain or carries a link. */
export function codeValue(code: vscode.Diagnostic['code']): string {
  return typeof code === 'object' ? String(code.value) : String(code ?? '');
}
