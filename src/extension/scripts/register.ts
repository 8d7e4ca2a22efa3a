import * as vscode from 'vscode';
import type { FixIndex } from '../diagnostics';
import { removeCreatedHelpers } from '../../core/helperFileIo';
import { looksBinary, MAX_LINT_BYTES } from '../../core/limits';
import {
  addNetworkDevice,
  addPciPassthrough,
  addPortForward,
  convertLegacyNet,
  editNetworkDevice,
  listNetworkDevices,
  prop,
  removeNetworkDevice,
  userNetworks,
  type ScriptEdit,
} from '../../core/qemu/edit';
import { SpecError } from '../../core/qemu/generate';
import { parseLaunchScript, type LaunchScript, type QemuInvocation } from '../../core/qemu/model';
import { isBlankScript } from '../../core/qemu/outline';
import { deviceSpec } from '../../core/qemu/readback';
import { cancelLint, scriptOutlineOffThread } from '../../core/xml/schema/client';
import { toVsRange } from '../convert';
import { isDeviceNode } from '../devices/tree';
import type { Log } from '../log';
import { registerGuarded, type Guard } from '../guardedCommand';
import { askBdf, askNetworkSpec, askPortForwards } from './flow';
import { createHelpers, registerHelperFileDiffs } from './helperFiles';
import { registerScriptWorkspaceMacs } from './workspaceMacs';
import { Commands } from '../commands';

/** Launch-script commands (palette, editor context menu, code lenses); lint diagnostics live in ../diagnostics. */

const SELECTOR: vscode.DocumentSelector = [{ language: 'shellscript' }];

function tooBig(doc: vscode.TextDocument): boolean {
  const text = doc.getText();
  return looksBinary(text) || Buffer.byteLength(text) > MAX_LINT_BYTES;
}

/** The document a command acts on: the one it was invoked for (code lens, context menu), else the active editor's. */
async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) void vscode.window.showWarningMessage('KVM Networking: open a shell launch script first.');
  return doc;
}

/** The invocation to edit: the given index, else the one under the cursor, else the only one, else ask. */
async function targetInvocation(doc: vscode.TextDocument, script: LaunchScript, index: unknown): Promise<number | undefined> {
  const invs = script.invocations;
  if (typeof index === 'number' && index >= 0 && index < invs.length) return index;
  if (invs.length <= 1) return 0;
  const editor = vscode.window.activeTextEditor;
  if (editor?.document === doc) {
    const at = doc.offsetAt(editor.selection.active);
    const under = invs.findIndex((i) => i.command.start <= at && at <= i.command.end);
    if (under >= 0) return under;
  }
  const chosen = await vscode.window.showQuickPick(
    invs.map((inv, i) => ({ label: `Line ${doc.positionAt(inv.command.start).line + 1}: ${inv.program.value}`, index: i })),
    { title: 'Which QEMU command?' },
  );
  return chosen?.index;
}

/**
 * Applies a core ScriptEdit: first the helper files it needs (only new ones; see ./helperFiles), then the script
 * text as one undoable WorkspaceEdit. If the text edit fails, the helper files just created are removed again.
 */
async function applyScriptEdit(doc: vscode.TextDocument, e: ScriptEdit, log: Log, nothingMessage: string): Promise<void> {
  if (e.edits.length === 0) {
    void vscode.window.showInformationMessage(`KVM Networking: ${nothingMessage}`);
    return;
  }
  const created = await createHelpers(e.files, log);
  if (!created) return;
  const we = new vscode.WorkspaceEdit();
  for (const edit of e.edits) we.replace(doc.uri, toVsRange(edit.range), edit.newText);
  if (!(await vscode.workspace.applyEdit(we))) {
    await removeCreatedHelpers(created);
    void vscode.window.showErrorMessage('KVM Networking: the edit could not be applied (the file changed meanwhile?).');
  }
}

/**
 * A launch-script command: the commands write commands the host runs later (and helper scripts beside the
 * script), so like the host actions they need a trusted workspace; a SpecError is the user's input (a warning).
 */
const SCRIPT_COMMAND: Guard = { trust: 'edit launch scripts (in Restricted Mode KVM Networking only lints)', userError: (e) => (e instanceof SpecError ? e.message : undefined) };

/** What a command does when the file has no QEMU invocation yet. */
type Absent = 'template' | 'offer';

const TEMPLATE_ACTION = 'Insert Launch-Script Template…';
/** Passed as the invocation index when the user already accepted the template (so it is not asked twice). */
const TEMPLATE_ACCEPTED = 'template-accepted';

/**
 * The document, its parsed script and the invocation a command edits. Without an invocation, the adding commands
 * (`absent: 'template'`) write a launch-script template around their device; a blank script gets it at once, any
 * other shell file is asked first since the template is appended to it. The other commands (`'offer'`) have
 * nothing to act on: they offer the template through "Add network device…".
 */
async function prepare(uri: unknown, index: unknown, absent: Absent): Promise<{ doc: vscode.TextDocument; script: LaunchScript; inv: number } | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  if (tooBig(doc)) {
    void vscode.window.showWarningMessage('KVM Networking: this file is binary or too large to edit as a launch script.');
    return undefined;
  }
  const script = parseLaunchScript(doc.getText());
  if (script.invocations.length === 0) {
    if (absent === 'offer') {
      const choice = await vscode.window.showInformationMessage('KVM Networking: this file has no QEMU command.', TEMPLATE_ACTION);
      if (choice === TEMPLATE_ACTION) await vscode.commands.executeCommand(Commands.scripts.addNetworkDevice, doc.uri, TEMPLATE_ACCEPTED);
      return undefined;
    }
    if (index !== TEMPLATE_ACCEPTED && !isBlankScript(doc.getText())) {
      const choice = await vscode.window.showInformationMessage(
        'KVM Networking: this file has no QEMU command. Append a launch-script template with the new device?',
        TEMPLATE_ACTION,
      );
      if (choice !== TEMPLATE_ACTION) return undefined;
    }
    return { doc, script, inv: 0 };
  }
  const inv = await targetInvocation(doc, script, index);
  return inv === undefined ? undefined : { doc, script, inv };
}

/** The BDF given to "Add PCI passthrough": a Devices-view row (its context menu) or the address itself. */
function bdfArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  return isDeviceNode(arg) ? arg.device.bdf : undefined;
}

/** The user-mode networks a port forward can go to, as pick items; each found again by where its option starts. */
function userNetworkItems(doc: vscode.TextDocument, inv: QemuInvocation | undefined): { label: string; description: string; optionStart: number }[] {
  return (inv ? userNetworks(inv) : []).map((o) => ({
    label: prop(o, 'id')?.value ?? `(no id, line ${doc.positionAt(o.span.start).line + 1})`,
    description: `${o.name} ${o.valueWord?.value ?? ''}`,
    optionStart: o.span.start,
  }));
}

/** The invocation to edit and one of its network devices, chosen by the user; undefined when cancelled or none. */
async function pickNetworkDevice(uri: unknown, index: unknown, title: string) {
  const t = await prepare(uri, index, 'offer');
  if (!t) return undefined;
  const invocation = t.script.invocations[t.inv];
  const devices = invocation ? listNetworkDevices(invocation) : [];
  if (devices.length === 0) {
    void vscode.window.showInformationMessage('KVM Networking: this QEMU command has no network device.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(devices.map((d) => ({ label: d.label, key: d.key, device: d })), { title });
  return chosen ? { t, chosen } : undefined;
}

function registerCommands(log: Log): vscode.Disposable[] {
  const c = Commands.scripts;
  return [
    registerGuarded(log, c.addNetworkDevice, 'Add network device', async (uri: unknown, index: unknown) => {
      const t = await prepare(uri, index, 'template');
      if (!t) return;
      const spec = await askNetworkSpec();
      if (!spec) return;
      const e = addNetworkDevice(t.doc.getText(), spec, { scriptPath: t.doc.uri.fsPath, invocation: t.inv });
      await applyScriptEdit(t.doc, e, log, 'the script already has this network device.');
    }, SCRIPT_COMMAND),
    registerGuarded(log, c.editNetworkDevice, 'Edit network device', async (uri: unknown, index: unknown) => {
      const picked = await pickNetworkDevice(uri, index, 'Edit network device (keeps its id and MAC)');
      if (!picked) return;
      const { t, chosen } = picked;
      const current = deviceSpec(t.script, t.script.invocations[t.inv]!, chosen.device, t.doc.uri.fsPath);
      const spec = await askNetworkSpec(current);
      if (!spec) return;
      const e = editNetworkDevice(t.doc.getText(), chosen.key, spec, { scriptPath: t.doc.uri.fsPath, invocation: t.inv });
      await applyScriptEdit(t.doc, e, log, 'the device already has these settings.');
    }, SCRIPT_COMMAND),
    registerGuarded(log, c.removeNetworkDevice, 'Remove network device', async (uri: unknown, index: unknown) => {
      const picked = await pickNetworkDevice(uri, index, 'Remove network device');
      if (!picked) return;
      const { t, chosen } = picked;
      await applyScriptEdit(t.doc, removeNetworkDevice(t.doc.getText(), chosen.key, { scriptPath: t.doc.uri.fsPath, invocation: t.inv }), log, 'nothing to remove.');
    }, SCRIPT_COMMAND),
    registerGuarded(log, c.convertLegacy, 'Convert legacy -net options', async (uri: unknown) => {
      const doc = await targetDocument(uri);
      if (!doc || tooBig(doc)) return;
      await applyScriptEdit(doc, convertLegacyNet(doc.getText()), log, 'no convertible -net nic / -net backend pair in this script.');
    }, SCRIPT_COMMAND),
    registerGuarded(log, c.addPortForward, 'Add port forward', async (uri: unknown, index: unknown) => {
      const t = await prepare(uri, index, 'offer');
      if (!t) return;
      // The choice is a position in the text as parsed: if the text changes meanwhile, ask again rather than guess.
      const backends = userNetworkItems(t.doc, t.script.invocations[t.inv]);
      let optionStart: number | undefined;
      if (backends.length > 1) {
        const chosen = await vscode.window.showQuickPick(backends, { title: 'Forward to which user-mode network?' });
        if (!chosen) return;
        optionStart = chosen.optionStart;
      }
      const rules = await askPortForwards('Add port forward', '8080:80');
      if (!rules || rules.length === 0) return;
      if (rules.length > 1) throw new SpecError('add one port forward at a time');
      if (optionStart !== undefined && t.doc.getText() !== t.script.shell.text) throw new SpecError('the script changed meanwhile; run "Add port forward…" again');
      const e = addPortForward(t.doc.getText(), rules[0]!, { scriptPath: t.doc.uri.fsPath, invocation: t.inv, ...(optionStart !== undefined ? { optionStart } : {}) });
      await applyScriptEdit(t.doc, e, log, 'this port forward is already there.');
    }, SCRIPT_COMMAND),
    registerGuarded(log, c.addPciPassthrough, 'Add PCI passthrough', async (arg: unknown, index: unknown) => {
      const fromExplorer = bdfArgument(arg);
      const t = await prepare(arg instanceof vscode.Uri ? arg : undefined, index, 'template');
      if (!t) return;
      const bdf = fromExplorer ?? (await askBdf());
      if (!bdf) return;
      const e = addPciPassthrough(t.doc.getText(), bdf, { scriptPath: t.doc.uri.fsPath, invocation: t.inv });
      await applyScriptEdit(t.doc, e, log, `${bdf} is already passed through.`);
    }, SCRIPT_COMMAND),
  ];
}

/**
 * Code lenses over each QEMU invocation: the commands that apply to it. The script is parsed in the lint worker
 * (scriptOutlineOffThread): on a long script a parse per edit here would freeze the editor (issue #12).
 */
class InvocationLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  private requests = 0;

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (tooBig(doc)) return [];
    // One job per request, dropped when the editor cancels the request (the document changed): two editors of one
    // document ask at once, so a job per document would let one request supersede the other's.
    const key = `lenses:${doc.uri.toString()}#${++this.requests}`;
    const cancelled = token.onCancellationRequested(() => cancelLint(key));
    let outline;
    try {
      outline = await scriptOutlineOffThread(doc.getText(), key);
    } finally {
      cancelled.dispose();
    }
    // Cancelled: the document changed meanwhile (its offsets would be wrong) and the editor asks again.
    if (!outline || token.isCancellationRequested) return [];
    // A shell script just being started (nothing but comments): the template, one click away.
    if (outline.blank) {
      const top = new vscode.Range(0, 0, 0, 0);
      return [new vscode.CodeLens(top, { title: 'Insert QEMU launch-script template…', command: Commands.scripts.addNetworkDevice, arguments: [doc.uri] })];
    }
    const lenses: vscode.CodeLens[] = [];
    outline.invocations.forEach((inv, i) => {
      const range = toVsRange({ start: doc.positionAt(inv.programStart), end: doc.positionAt(inv.programEnd) });
      const args = [doc.uri, i];
      lenses.push(new vscode.CodeLens(range, { title: 'Add network device…', command: Commands.scripts.addNetworkDevice, arguments: args }));
      if (inv.hasNetworkDevices) {
        lenses.push(new vscode.CodeLens(range, { title: 'Edit network device…', command: Commands.scripts.editNetworkDevice, arguments: args }));
        lenses.push(new vscode.CodeLens(range, { title: 'Remove network device…', command: Commands.scripts.removeNetworkDevice, arguments: args }));
      }
      if (inv.hasUserNetworks) {
        lenses.push(new vscode.CodeLens(range, { title: 'Add port forward…', command: Commands.scripts.addPortForward, arguments: args }));
      }
      lenses.push(new vscode.CodeLens(range, { title: 'Add PCI passthrough…', command: Commands.scripts.addPciPassthrough, arguments: args }));
      if (inv.hasLegacyNet) {
        lenses.push(new vscode.CodeLens(range, { title: 'Convert legacy -net options', command: Commands.scripts.convertLegacy, arguments: [doc.uri] }));
      }
    });
    return lenses;
  }
}

export function registerScripts(log: Log, fixIndex: FixIndex): vscode.Disposable {
  const lenses = new InvocationLenses();
  return vscode.Disposable.from(
    ...registerCommands(log),
    registerHelperFileDiffs(),
    registerScriptWorkspaceMacs(log, fixIndex),
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (vscode.languages.match(SELECTOR, e.document) > 0) lenses.refresh();
    }),
  );
}
