import * as vscode from 'vscode';
import type { Log } from '../log';

/** libvirt XML editor features: completion, hover, schema status (diagnostics live in ../diagnostics). */
export function registerXml(_log: Log): vscode.Disposable {
  return vscode.Disposable.from();
}
