import * as vscode from 'vscode';
import { registerGuarded } from './guardedCommand';
import { registerComposer } from './composer/register';
import { registerConvert } from './convert/register';
import { registerDefinitions } from './definitions/register';
import { registerDevices } from './devices/register';
import { FixIndex, registerDiagnostics } from './diagnostics';
import { registerDiagnosticsProbe } from './diagnosticsProbe';
import { registerEventLoopStats } from './eventLoopStats';
import { registerExplain } from './explain/register';
import { registerGuests } from './guests/register';
import { registerAskpass } from './askpass';
import { registerHostKeyPrompt } from './hostKey';
import { hostSnapshots } from './hosts';
import { createLog } from './log';
import { registerReadiness } from './readiness/register';
import { registerScripts } from './scripts/register';
import { registerXml } from './xml/register';
import { Commands } from './commands';

/** Wires the feature modules; each owns its registrations and returns one Disposable. */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  // The fixes behind every published diagnostic: the per-file linter's and the workspace scans' (XML, scripts).
  const fixes = new FixIndex();
  hostSnapshots.useStorage(context.globalStorageUri.fsPath); // private dir for the hosts' shared ssh master sockets
  context.subscriptions.push(
    log,
    hostSnapshots, // shared by the Devices, Host readiness and composer features
    registerAskpass(context.globalStorageUri.fsPath, context.extensionPath, log), // ssh's questions as input boxes
    registerGuarded(log, Commands.showLog, 'Show Log', () => log.show()),
    registerDiagnostics(log, fixes),
    registerDevices(log),
    registerGuests(log),
    registerDefinitions(log),
    registerHostKeyPrompt(log),
    registerReadiness(log),
    registerExplain(log),
    registerXml(log, fixes),
    registerScripts(log, fixes),
    registerComposer(log),
    registerConvert(log),
    registerEventLoopStats(log),
    registerDiagnosticsProbe(log),
  );
  log.info(`KVM Networking ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
