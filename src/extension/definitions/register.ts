import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
import { commandLine, defineArgv, defineDefinition, invocation, readDefinition, type DefinitionRef } from '../../core/libvirt/definition';
import { identityProblem, storedDifferences } from '../../core/libvirt/storedDiff';
import { configuredHosts, hostConnection, hostSnapshots, type HostEntry } from '../hosts';
import { Config } from '../config';
import { toDiagnostic } from '../convert';
import type { GuestTreeNode } from '../guests/tree';
import type { Log } from '../log';
import { Commands } from '../commands';
// Stored definitions open as documents of their own; the definition as opened is the read-only left side of diffs.
import { DEFINITION_BASE_SCHEME as BASE_SCHEME, DEFINITION_SCHEME as SCHEME } from '../schemes';
import { defineOnHostCommand } from './defineOnHost';
import { definitionUri, libvirtRefused, parseUri } from './shared';


interface Opened {
  readonly host: HostEntry;
  readonly ref: DefinitionRef;
  /** What libvirt had stored when this document was read (or last defined): the base of the next save. */
  base: string;
}

/**
 * "Open Definition" on a guest: the stored XML (`virsh dumpxml --inactive`) as a document with all of the XML lint,
 * completion and hover. Saving is `virsh edit` done right: the diff and the exact command first, refused if the host
 * changed the definition since it was opened, then defined, read back, and everything libvirt dropped, changed or
 * filled in reported in the document.
 */
export function registerDefinitions(log: Log): vscode.Disposable {
  const opened = new Map<string, Opened>();
  const report = vscode.languages.createDiagnosticCollection('kvmnet-libvirt');
  const changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();

  function entry(uri: vscode.Uri): { host: HostEntry; ref: DefinitionRef } {
    if (!vscode.workspace.isTrusted) throw vscode.FileSystemError.NoPermissions('Trust the workspace to read definitions from a host (it runs ssh and virsh).');
    const { hostId, ref } = parseUri(uri);
    const host = configuredHosts(Config.current()).find((h) => h.id === hostId);
    if (!host?.spec || host.spec.kind === 'demo') throw vscode.FileSystemError.Unavailable(`${hostId} is not a configured host with libvirt`);
    return { host, ref };
  }

  const provider: vscode.FileSystemProvider = {
    onDidChangeFile: changed.event,
    watch: () => new vscode.Disposable(() => undefined),
    stat: (uri) => ({ type: vscode.FileType.File, ctime: 0, mtime: 0, size: Buffer.byteLength(opened.get(uri.toString())?.base ?? '') }),
    readDirectory: () => [],
    createDirectory: () => {
      throw vscode.FileSystemError.NoPermissions('definitions only');
    },
    delete: () => {
      throw vscode.FileSystemError.NoPermissions('Undefine a guest with virsh undefine.');
    },
    rename: () => {
      throw vscode.FileSystemError.NoPermissions('Rename a guest with virsh domrename.');
    },
    async readFile(uri) {
      const { host, ref } = entry(uri);
      try {
        const text = await readDefinition(host.spec!, ref, hostConnection());
        opened.set(uri.toString(), { host, ref, base: text });
        return Buffer.from(text, 'utf8');
      } catch (e) {
        throw vscode.FileSystemError.Unavailable(`${ref.name} on ${host.label}: ${(e as Error).message}`);
      }
    },
    async writeFile(uri, content) {
      const { host, ref } = entry(uri);
      const state = opened.get(uri.toString());
      if (!state) throw vscode.FileSystemError.Unavailable('Open the definition from the Guests view first.');
      const edited = Buffer.from(content).toString('utf8');
      const problem = identityProblem(edited, ref);
      if (problem) throw vscode.FileSystemError.NoPermissions(`Not defined: ${problem}.`);
      const spec = host.spec!;
      const now = await readDefinition(spec, ref, hostConnection());
      if (now !== state.base) {
        // As VS Code does for "file changed on disk": refuse, and show what changed on the host.
        await showDiff(uri, state.base, now, `${ref.name}: opened ↔ on ${host.label} now`);
        throw vscode.FileSystemError.Unavailable(`Not defined: ${ref.name} changed on ${host.label} since it was opened (compare shown). Reopen it to edit the current definition.`);
      }
      await showDiff(uri, state.base, undefined, `${ref.name}: stored ↔ yours (to be defined)`);
      const define = 'Define';
      const answer = await vscode.window.showWarningMessage(
        `Define ${ref.kind} ${ref.name} on ${host.label}?`,
        {
          modal: true,
          detail: `This runs (the edited XML on its standard input):\n\n${commandLine(invocation(spec, defineArgv(ref.kind), hostConnection()))}\n\nThe diff beside shows what changes.`,
        },
        define,
      );
      if (answer !== define) throw vscode.FileSystemError.Unavailable('Not defined: cancelled.');
      try {
        await defineDefinition(spec, ref.kind, edited, hostConnection());
      } catch (e) {
        throw vscode.FileSystemError.Unavailable(`Not defined: ${libvirtRefused(log, ref.name, host, e)}`);
      }
      const stored = await readDefinition(spec, ref, hostConnection());
      state.base = stored;
      const differences = storedDifferences(edited, stored);
      report.set(uri, differences.map(toDiagnostic));
      const dropped = differences.filter((d) => d.code === 'libvirt-dropped').length;
      log.info(`defined ${ref.kind} ${ref.name} on ${host.label}: ${dropped} dropped, ${differences.length - dropped} other differences`);
      void vscode.window.showInformationMessage(
        dropped > 0
          ? `Defined ${ref.name} on ${host.label}, but libvirt dropped ${dropped} item${dropped === 1 ? '' : 's'} it does not know (see Problems).`
          : `Defined ${ref.name} on ${host.label}.`,
      );
      hostSnapshots.invalidate(host.id);
    },
  };

  const bases = new Map<string, string>();
  async function showDiff(uri: vscode.Uri, left: string, right: string | undefined, title: string): Promise<void> {
    const leftUri = uri.with({ scheme: BASE_SCHEME, query: `left-${Date.now()}` });
    bases.set(leftUri.toString(), left);
    let rightUri = uri;
    if (right !== undefined) {
      rightUri = uri.with({ scheme: BASE_SCHEME, query: `right-${Date.now()}` });
      bases.set(rightUri.toString(), right);
    }
    await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, title, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }

  const open = async (node?: GuestTreeNode): Promise<void> => {
    const ref: DefinitionRef | undefined =
      node?.kind === 'guest'
        ? { kind: 'domain', uuid: node.guest.uuid, name: node.guest.name }
        : node?.kind === 'network'
          ? { kind: 'network', uuid: node.network.uuid, name: node.network.name }
          : undefined;
    if (!node || !ref) return;
    const uri = definitionUri(node.host.id, ref);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  };

  return vscode.Disposable.from(
    report,
    changed,
    vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, { provideTextDocumentContent: (uri) => bases.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // The report describes the text as defined: an edit makes it stale.
      if (e.contentChanges.length > 0 && report.has(e.document.uri)) report.delete(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      opened.delete(doc.uri.toString());
      report.delete(doc.uri);
    }),
    registerGuarded(log, Commands.guests.openDefinition, 'Open Definition', open),
    defineOnHostCommand(log, report),
  );
}
