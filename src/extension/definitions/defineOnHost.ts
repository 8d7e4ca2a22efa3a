import path from 'node:path';
import * as vscode from 'vscode';
import type { HostSnapshot } from '../../core/hostSnapshot';
import { commandLine, defineArgv, defineDefinition, invocation, readDefinition, type DefinitionRef } from '../../core/libvirt/definition';
import { existingHolder, newDefinition, storedDifferences } from '../../core/libvirt/storedDiff';
import { Commands } from '../commands';
import { Config } from '../config';
import { toDiagnostic } from '../convert';
import { configuredHosts, hostConnection, hostSnapshots, type HostEntry } from '../hosts';
import type { Log } from '../log';
import { definitionUri, libvirtRefused } from './shared';
import { registerGuarded } from '../guardedCommand';

const DEFINE = 'Define';
const OPEN = 'Open Definition';

interface LibvirtHost {
  readonly host: HostEntry;
  readonly snapshot: HostSnapshot & { readonly libvirt: NonNullable<HostSnapshot['libvirt']> };
}

/** The configured hosts (and this machine) where discovery found libvirt running; the demo host has none. */
async function libvirtHosts(): Promise<LibvirtHost[]> {
  const candidates = configuredHosts(Config.current()).filter((h) => h.spec && h.spec.kind !== 'demo');
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'KVM Networking: looking for hosts that run libvirt' }, () =>
    Promise.all(candidates.map(async (host) => ({ host, snapshot: await hostSnapshots.get(host).catch(() => undefined) }))),
  );
  return found.filter((f): f is LibvirtHost => f.snapshot?.libvirt !== undefined);
}

/**
 * "Define on Host…" for a new domain (a converted launch script, a file of the workspace): the host picked among
 * those running libvirt, refused where a guest of that name or UUID exists (changing it is Open Definition), the
 * exact command confirmed, then defined through the host connection and read back: what libvirt dropped, changed
 * or filled in is reported on the document, as after saving an opened definition.
 */
export function defineOnHostCommand(log: Log, report: vscode.DiagnosticCollection): vscode.Disposable {
  async function run(arg?: unknown): Promise<void> {
    const doc = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
    if (!doc) return void vscode.window.showWarningMessage('KVM Networking: open a libvirt domain XML document to define it on a host.');
    const xml = doc.getText();
    const file = path.basename(doc.uri.path);
    const def = newDefinition(xml, 'domain');
    if ('problem' in def) return void vscode.window.showWarningMessage(`KVM Networking: cannot define ${file}: ${def.problem}.`);

    const hosts = await libvirtHosts();
    if (hosts.length === 0) {
      return void vscode.window.showWarningMessage('KVM Networking: no configured host runs libvirt (see kvmnet.hosts and the Guests view), so there is nowhere to define it.');
    }
    const picked = await vscode.window.showQuickPick(
      hosts.map((h) => ({
        label: h.host.label,
        description: `libvirt ${h.snapshot.system.libvirtVersion ?? ''} · ${h.snapshot.libvirt.guests.length} guest${h.snapshot.libvirt.guests.length === 1 ? '' : 's'}`,
        target: h,
      })),
      { title: `Define ${def.name} on which host?` },
    );
    if (!picked) return;
    const { host, snapshot } = picked.target;
    const spec = host.spec!;
    const holder = existingHolder(def, snapshot.libvirt.guests);
    if (holder) {
      return void vscode.window.showWarningMessage(`KVM Networking: not defined: ${holder} on ${host.label}. To change that guest, use Open Definition in the Guests view.`);
    }

    const answer = await vscode.window.showWarningMessage(
      `Define domain ${def.name} on ${host.label}?`,
      { modal: true, detail: `This runs (the XML of ${file} on its standard input):\n\n${commandLine(invocation(spec, defineArgv('domain'), hostConnection()))}` },
      DEFINE,
    );
    if (answer !== DEFINE) return;
    try {
      await defineDefinition(spec, 'domain', xml, hostConnection());
    } catch (e) {
      libvirtRefused(log, def.name, host, e);
      return;
    }

    // Read back what libvirt stored, by the UUID discovery now reports for the name.
    hostSnapshots.invalidate(host.id);
    const guest = (await hostSnapshots.get(host).catch(() => undefined))?.libvirt?.guests.find((g) => g.name === def.name);
    const ref: DefinitionRef | undefined = guest ? { kind: 'domain', uuid: guest.uuid, name: guest.name } : undefined;
    let dropped = 0;
    if (ref) {
      try {
        const differences = storedDifferences(xml, await readDefinition(spec, ref, hostConnection()));
        dropped = differences.filter((d) => d.code === 'libvirt-dropped').length;
        // Located in the text that was defined: only while the document still has it.
        if (doc.getText() === xml) report.set(doc.uri, differences.map(toDiagnostic));
      } catch (e) {
        log.error(`reading back ${def.name} from ${host.label}: ${(e as Error).message}`);
      }
    }
    log.info(`defined domain ${def.name} from ${file} on ${host.label}${ref ? `: ${dropped} dropped` : ''}`);
    const choice = await vscode.window.showInformationMessage(
      dropped > 0
        ? `KVM Networking: defined ${def.name} on ${host.label}, but libvirt dropped ${dropped} item${dropped === 1 ? '' : 's'} it does not know (see Problems).`
        : `KVM Networking: defined ${def.name} on ${host.label}.`,
      ...(ref ? [OPEN] : []),
    );
    if (choice === OPEN && ref) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(definitionUri(host.id, ref)), { preview: false });
  }

  return registerGuarded(log, Commands.definitions.defineOnHost, 'Define on Host', run, { trust: 'define a guest on a host (it runs ssh and virsh)' });
}
