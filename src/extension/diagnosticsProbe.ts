import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from './commands';
import { registerGuarded } from './guardedCommand';
import type { Log } from './log';

/** One diagnostic as the Problems panel lists it: base name, severity icon, source, code, 1-based position. */
export interface DiagnosticProbeEntry {
  readonly file: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly source: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
}

/** The line prefix the E2E harness looks for in the log. */
export const DIAGNOSTICS_PROBE_PREFIX = 'diagnostics probe ';

const SEVERITY = { [vscode.DiagnosticSeverity.Error]: 'error', [vscode.DiagnosticSeverity.Warning]: 'warning', [vscode.DiagnosticSeverity.Information]: 'info' } as const;

function codeText(code: vscode.Diagnostic['code']): string {
  return code === undefined ? '' : typeof code === 'object' ? String(code.value) : String(code);
}

/**
 * Not contributed: writes every diagnostic VS Code holds (all owners, the Problems panel's content; hints are not
 * listed there either) to the log as one JSON line, so the E2E tests read findings without scraping the panel.
 */
export function registerDiagnosticsProbe(log: Log): vscode.Disposable {
  return registerGuarded(log, Commands.internal.diagnostics, 'Diagnostics probe', () => {
    const entries: DiagnosticProbeEntry[] = vscode.languages.getDiagnostics().flatMap(([uri, ds]) =>
      ds.flatMap((d) => {
        const severity = SEVERITY[d.severity as keyof typeof SEVERITY];
        if (severity === undefined) return [];
        const { line, character } = d.range.start;
        return [{ file: path.posix.basename(uri.path), severity, message: d.message, source: d.source ?? '', code: codeText(d.code), line: line + 1, column: character + 1 }];
      }),
    );
    log.info(`${DIAGNOSTICS_PROBE_PREFIX}${JSON.stringify(entries)}`);
  });
}
