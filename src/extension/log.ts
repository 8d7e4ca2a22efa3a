import * as vscode from 'vscode';

/** The one output channel of the extension ("KVM Networking"), a LogOutputChannel so users pick the level. */
export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('KVM Networking', { log: true });
}
