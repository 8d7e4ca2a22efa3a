import * as vscode from 'vscode';
import type { FixIndex } from '../diagnostics';
import type { Log } from '../log';
import { registerXmlCompletion } from './completion';
import { registerXmlHover } from './hover';
import { registerSchemaStatus } from './schemaStatus';
import { registerWorkspaceMacs } from './workspaceMacs';

/** libvirt XML editor features: completion, hover, schema status (diagnostics live in ../diagnostics). */
export function registerXml(log: Log, fixIndex: FixIndex): vscode.Disposable {
  return vscode.Disposable.from(registerXmlCompletion(log), registerXmlHover(log), registerWorkspaceMacs(log, fixIndex), registerSchemaStatus(log));
}
