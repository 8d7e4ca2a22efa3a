import * as vscode from 'vscode';
import type { CommandId } from './commands';
import type { Log } from './log';

const MANAGE_TRUST = 'Manage Workspace Trust';

export interface Guard {
  /** What the command does that needs a trusted workspace ("edit launch scripts …"); absent: it runs in Restricted Mode. */
  readonly trust?: string;
  /** The warning for an error that is the user's input (not a bug), or undefined for anything else. */
  readonly userError?: (e: unknown) => string | undefined;
}

/**
 * Every command's one wrapper: refuses in Restricted Mode when it needs trust (offering the trust editor), shows
 * the user's own mistakes as warnings, and logs anything else as the bug it is, with its stack, before showing it.
 */
/**
 * A command's body. VS Code passes what the caller passed (a tree node of the view, a URI, nothing from the
 * palette): a handler that declares a type for it is trusting its menus, as registerCommand's own `any[]` does.
 */
type Handler<A extends unknown[]> = (...args: A) => unknown;

export function guardedCommand<A extends unknown[]>(log: Log, name: string, guard: Guard, run: Handler<A>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    if (guard.trust !== undefined && !vscode.workspace.isTrusted) {
      void vscode.window
        .showWarningMessage(`KVM Networking: trust the workspace to ${guard.trust}.`, MANAGE_TRUST)
        .then((choice) => choice === MANAGE_TRUST && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    try {
      await run(...(args as A));
    } catch (e) {
      const warning = guard.userError?.(e);
      if (warning !== undefined) return void vscode.window.showWarningMessage(`KVM Networking: ${warning}`);
      log.error(`${name} failed: ${(e as Error).stack ?? String(e)}`);
      void vscode.window.showErrorMessage(`KVM Networking: ${name} failed: ${(e as Error).message}`);
    }
  };
}

/** Registers a command through guardedCommand: the one way a feature registers a command (a test checks it). */
export function registerGuarded<A extends unknown[]>(log: Log, id: CommandId, name: string, run: Handler<A>, guard: Guard = {}): vscode.Disposable {
  return vscode.commands.registerCommand(id, guardedCommand(log, name, guard, run));
}
