import * as vscode from 'vscode';
import type { Log } from '../log';

/** Launch-script commands and code lenses (lint diagnostics live in ../diagnostics). */
export function registerScripts(_log: Log): vscode.Disposable {
  return vscode.Disposable.from();
}
