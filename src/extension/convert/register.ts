import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConvertError, type ConvertNote } from '../../core/convert/model';
import { convertInvocation } from '../../core/convert/scriptToXml';
import { summarize } from '../../core/convert/summary';
import { domainToArgs } from '../../core/convert/xmlToArgs';
import { rootElementName } from '../../core/documentKind';
import { looksBinary, MAX_LINT_BYTES } from '../../core/limits';
import { parseLaunchScript, type LaunchScript } from '../../core/qemu/model';
import { scriptOutlineOffThread } from '../../core/xml/schema/client';
import { toVsRange } from '../convert';
import type { Log } from '../log';
import { registerGuarded, type Guard } from '../guardedCommand';
import { Commands } from '../commands';

/**
 * Translation between launch scripts and libvirt domain XML in the editor (#16): the result opens beside the
 * source as a new untitled document (XML is linted there like any libvirt file), what did not map becomes a
 * located diagnostic on the source, and a summary says what was mapped.
 *
 * No workspace trust needed: both commands only read the source text and open a new unsaved document. Nothing
 * runs, nothing on disk or on a host changes, so they stay available in Restricted Mode.
 */

const SHOW_DETAILS = 'Show Details';
const WHOLE_DOMAIN = 'Whole Domain';
const DEFINE_ON_HOST = 'Define on Host…';
const SCRIPTS: vscode.DocumentSelector = [{ language: 'shellscript' }];

function tooBig(doc: vscode.TextDocument): boolean {
  const text = doc.getText();
  return looksBinary(text) || Buffer.byteLength(text) > MAX_LINT_BYTES;
}

const severities: Record<ConvertNote['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The command's document: the one it was invoked for (code lens, context menu), else the active editor's. */
async function sourceDocument(uri: unknown, what: string): Promise<vscode.TextDocument | undefined> {
  const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) void vscode.window.showWarningMessage(`KVM Networking: open ${what} first.`);
  else if (tooBig(doc)) {
    void vscode.window.showWarningMessage('KVM Networking: this file is binary or too large to convert.');
    return undefined;
  }
  return doc;
}

/** The cursor offset in `doc` when it is the active editor's document. */
function cursorIn(doc: vscode.TextDocument): number | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor?.document === doc ? doc.offsetAt(editor.selection.active) : undefined;
}

/** The invocation to convert: the given index, else the only one, else the one under the cursor, else asked. */
async function pickInvocation(doc: vscode.TextDocument, script: LaunchScript, index: unknown): Promise<number | undefined> {
  const invs = script.invocations;
  if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < invs.length) return index;
  if (invs.length === 1) return 0;
  const at = cursorIn(doc);
  const under = at === undefined ? -1 : invs.findIndex((i) => i.command.start <= at && at <= i.command.end);
  if (under >= 0) return under;
  const chosen = await vscode.window.showQuickPick(
    invs.map((inv, i) => ({ label: `Line ${doc.positionAt(inv.command.start).line + 1}: ${inv.program.value}`, index: i })),
    { title: 'Convert which QEMU command?' },
  );
  return chosen?.index;
}

function registerCommands(log: Log, notes: vscode.DiagnosticCollection): vscode.Disposable[] {
  /** Shows the result beside the source, the notes on the source, and the summary (details in the log). */
  async function present(source: vscode.TextDocument, result: { text: string; language: string }, subject: string, r: { mapped: Parameters<typeof summarize>[2]; notes: readonly ConvertNote[] }, extra: string[] = []): Promise<{ choice: string | undefined; result: vscode.TextDocument }> {
    notes.set(
      source.uri,
      r.notes.map((n) => {
        const d = new vscode.Diagnostic(toVsRange({ start: source.positionAt(n.span.start), end: source.positionAt(n.span.end) }), n.message, severities[n.severity]);
        d.source = 'kvmnet convert';
        return d;
      }),
    );
    const doc = await vscode.workspace.openTextDocument({ language: result.language, content: result.text });
    // The column right of the source, so repeated conversions stack as tabs there instead of adding columns.
    const column = vscode.window.visibleTextEditors.find((e) => e.document === source)?.viewColumn;
    await vscode.window.showTextDocument(doc, { viewColumn: column !== undefined && column < vscode.ViewColumn.Nine ? column + 1 : vscode.ViewColumn.Beside, preview: false });
    const s = summarize(subject, source.getText(), r.mapped, r.notes);
    log.info(`convert: ${s.details.join('\n')}`);
    const show = s.untranslated > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(`KVM Networking: ${s.headline}`, SHOW_DETAILS, ...extra);
    if (choice === SHOW_DETAILS) log.show(true);
    return { choice, result: doc };
  }

  /** ConvertError is the user's input (a warning); anything else is a bug: logged. */
  const guard: Guard = { userError: (e) => (e instanceof ConvertError ? `cannot convert: ${e.message}` : undefined) };

  const name = (doc: vscode.TextDocument): string => path.basename(doc.uri.path);
  const filePath = (doc: vscode.TextDocument): string | undefined => (doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined);

  const toLibvirt = registerGuarded(log, Commands.convert.toLibvirt, 'Convert to libvirt domain XML', async (uri: unknown, index: unknown) => {
    const doc = await sourceDocument(uri, 'a QEMU launch script');
    if (!doc) return;
    const text = doc.getText();
    const script = parseLaunchScript(text);
    if (script.invocations.length === 0) throw new ConvertError('no QEMU invocation (qemu-system-*, qemu-kvm, kvm) in this script');
    const i = await pickInvocation(doc, script, index);
    if (i === undefined) return;
    const inv = script.invocations[i]!;
    const r = convertInvocation(text, inv, filePath(doc), script);
    const which = script.invocations.length > 1 ? ` (QEMU command at line ${doc.positionAt(inv.command.start).line + 1})` : '';
    // The next step of a migration: define the converted domain where libvirt runs (the command picks the host).
    const extra = vscode.workspace.isTrusted ? [DEFINE_ON_HOST] : [];
    const { choice, result } = await present(doc, { text: r.xml, language: 'xml' }, `${name(doc)}${which} → libvirt domain XML`, r, extra);
    if (choice === DEFINE_ON_HOST) await vscode.commands.executeCommand(Commands.definitions.defineOnHost, result.uri);
  }, guard);

  const toQemu = registerGuarded(log, Commands.convert.toQemu, 'Show QEMU arguments', async (uri: unknown, options: unknown) => {
    const doc = await sourceDocument(uri, 'a libvirt domain XML file');
    if (!doc) return;
    const whole = (options as { whole?: unknown } | undefined)?.whole === true;
    const at = whole ? undefined : cursorIn(doc);
    const scriptPath = (filePath(doc) ?? path.join(path.sep, name(doc))).replace(/\.xml$/i, '') + '.sh';
    const r = domainToArgs(doc.getText(), { scriptPath, ...(at !== undefined ? { at } : {}) });
    const device = r.scope !== 'domain';
    const subject = device ? `${name(doc)}: the <${r.scope}> at line ${doc.positionAt(r.element.start).line + 1} → QEMU arguments` : `${name(doc)} → QEMU launch script`;
    // A device alone out of a whole domain: the domain is one click away.
    const offerWhole = device && rootElementName(doc.getText()) === 'domain';
    const { choice } = await present(doc, { text: r.text, language: 'shellscript' }, subject, r, offerWhole ? [WHOLE_DOMAIN] : []);
    if (choice === WHOLE_DOMAIN) await vscode.commands.executeCommand(Commands.convert.toQemu, doc.uri, { whole: true });
  }, guard);

  return [toLibvirt, toQemu];
}

/**
 * "Convert to libvirt Domain XML" over each QEMU invocation. Its own provider (the launch-script commands have
 * theirs); the script is outlined in the lint worker like theirs, so typing never parses it on this thread.
 */
class ConvertLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (tooBig(doc)) return [];
    const outline = await scriptOutlineOffThread(doc.getText(), `convert-lenses:${doc.uri.toString()}`);
    if (!outline || token.isCancellationRequested) return [];
    return outline.invocations.map((inv, i) => {
      const range = toVsRange({ start: doc.positionAt(inv.programStart), end: doc.positionAt(inv.programEnd) });
      return new vscode.CodeLens(range, { title: 'Convert to libvirt Domain XML', command: Commands.convert.toLibvirt, arguments: [doc.uri, i] });
    });
  }
}

export function registerConvert(log: Log): vscode.Disposable {
  const notes = vscode.languages.createDiagnosticCollection('kvmnet-convert');
  const lenses = new ConvertLenses();
  return vscode.Disposable.from(
    notes,
    ...registerCommands(log, notes),
    vscode.languages.registerCodeLensProvider(SCRIPTS, lenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // The notes point at offsets of the text converted: after an edit they would point at the wrong text.
      if (e.contentChanges.length > 0) notes.delete(e.document.uri);
      if (vscode.languages.match(SCRIPTS, e.document) > 0) lenses.refresh();
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => notes.delete(doc.uri)),
  );
}
