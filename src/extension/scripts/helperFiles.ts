import path from 'node:path';
import * as vscode from 'vscode';
import { createHelperFiles, HelperFileError, planHelperFiles, type CreatedHelper, type HelperFilePlan } from '../../core/helperFileIo';
import type { GeneratedFile } from '../../core/qemu/generate';
import type { Log } from '../log';

/** Helper scripts a script edit needs (qemu-ifup-BR …): created only where nothing is yet (policy: core/helperFile). */

const GENERATED_SCHEME = 'kvmnet-helper';
/** The generated text per helper path, served read-only to the diff editor. */
const generated = new Map<string, string>();

export function registerHelperFileDiffs(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(GENERATED_SCHEME, {
    provideTextDocumentContent: (uri) => generated.get(uri.path) ?? '',
  });
}

const SHOW_DIFF = 'Show Differences';

async function showDiffs(plans: readonly HelperFilePlan[]): Promise<void> {
  for (const { file } of plans) {
    generated.set(file.path, file.content);
    const title = `${path.basename(file.path)}: existing ↔ KVM Networking's`;
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(file.path), vscode.Uri.from({ scheme: GENERATED_SCHEME, path: file.path }), title);
  }
}

function reasonOf(p: HelperFilePlan): string | undefined {
  const d = p.decision;
  return d.action === 'refuse' || d.action === 'needs-diff' ? `${vscode.workspace.asRelativePath(p.file.path, false)} ${d.reason}` : undefined;
}

/**
 * Creates the helper files that do not exist yet, each whole and executable. undefined when any is in the way (a
 * symlink, other content, a directory …): the user is told why, offered a diff where there is one, and nothing is
 * written. The caller removes the returned files again if its script edit then fails.
 */
export async function createHelpers(files: readonly GeneratedFile[], log: Log): Promise<CreatedHelper[] | undefined> {
  if (files.length === 0) return [];
  const plans = await planHelperFiles(files);
  const reasons = plans.map(reasonOf).filter((r): r is string => r !== undefined);
  if (reasons.length > 0) {
    const diffable = plans.filter((p) => p.decision.action === 'needs-diff');
    const choice = await vscode.window.showWarningMessage(
      `KVM Networking: nothing was changed: ${reasons.join('; ')}. Remove or rename it, or put the tap on the bridge before QEMU starts (script=no).`,
      ...(diffable.length > 0 ? [SHOW_DIFF] : []),
    );
    if (choice === SHOW_DIFF) await showDiffs(diffable);
    return undefined;
  }
  for (const p of plans) {
    if (p.decision.action === 'unchanged' && !p.decision.executable) {
      void vscode.window.showWarningMessage(`KVM Networking: ${vscode.workspace.asRelativePath(p.file.path, false)} is not executable, so QEMU cannot run it (chmod +x it).`);
    }
  }
  try {
    return await createHelperFiles(plans.filter((p) => p.decision.action === 'create').map((p) => p.file));
  } catch (e) {
    if (!(e instanceof HelperFileError)) throw e;
    log.warn(e.message);
    void vscode.window.showErrorMessage(`KVM Networking: nothing was changed: ${e.message}`);
    return undefined;
  }
}
