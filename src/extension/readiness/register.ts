import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
import type { FixStep } from '../../core/readiness/model';
import { onConfigChange } from '../config';
import type { Log } from '../log';
import { ReadinessTree, type ReadinessNode } from './tree';
import { Commands } from '../commands';

async function copyFix(node: ReadinessNode | undefined): Promise<void> {
  let fix: FixStep | undefined;
  if (node?.kind === 'fix') fix = node.fix;
  else if (node?.kind === 'check') {
    const fixes = node.check.fixes;
    if (fixes.length > 1) {
      const pick = await vscode.window.showQuickPick(
        fixes.map((f) => ({ label: f.title, detail: f.command, fix: f })),
        { title: `Copy a fix for: ${node.check.title}` },
      );
      fix = pick?.fix;
    } else fix = fixes[0];
  }
  if (!fix) return;
  await vscode.env.clipboard.writeText(fix.command);
  void vscode.window.showInformationMessage(`Copied: ${fix.command.length > 80 ? `${fix.command.slice(0, 77)}…` : fix.command}`);
}

/** The "Host readiness" view: per host, what each networking mode needs and what is missing. */
export function registerReadiness(log: Log): vscode.Disposable {
  const tree = new ReadinessTree(log);
  return vscode.Disposable.from(
    tree,
    vscode.window.createTreeView('kvmnet.readiness', { treeDataProvider: tree, showCollapseAll: true }),
    registerGuarded(log, Commands.readiness.refresh, 'Refresh Host Readiness', () => tree.refresh()),
    registerGuarded(log, Commands.readiness.refreshHost, 'Refresh Host Readiness for This Host', (node?: ReadinessNode) => tree.refresh(node?.host.id)),
    registerGuarded(log, Commands.readiness.copyFix, 'Copy Fix Command', copyFix),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.redraw()),
    onConfigChange(() => tree.redraw()),
  );
}
