import * as vscode from 'vscode';
import { addNetworkDevice } from '../../core/qemu/edit';
import type { NetworkSpec } from '../../core/qemu/generate';

/**
 * The composer's editor actions. The panel has the focus when its buttons are pressed, so "the active editor"
 * means the text editor that was active last: the tracker remembers the last XML and shell editors.
 */
export class EditorTracker implements vscode.Disposable {
  private lastXml?: vscode.TextEditor;
  private lastScript?: vscode.TextEditor;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.note(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((e) => this.note(e));
  }

  private note(e: vscode.TextEditor | undefined): void {
    if (e?.document.languageId === 'xml') this.lastXml = e;
    if (e?.document.languageId === 'shellscript') this.lastScript = e;
  }

  /** The last active editor of that language that is still open (editors are recreated when tabs switch). */
  editor(kind: 'xml' | 'script'): vscode.TextEditor | undefined {
    const last = kind === 'xml' ? this.lastXml : this.lastScript;
    if (!last || last.document.isClosed) return undefined;
    return vscode.window.visibleTextEditors.find((e) => e.document === last.document) ?? last;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

type Outcome = [ok: boolean, message: string];

/**
 * Inserts the element as whole lines at the cursor's line, indented like that line (one level deeper when the
 * cursor sits on a closing </devices>), so the domain stays readable and well-formed.
 */
export async function insertXml(editors: EditorTracker, xml: string): Promise<Outcome> {
  const editor = editors.editor('xml');
  if (!editor) return [false, 'Open a libvirt domain XML file and put the cursor inside <devices> first.'];
  const doc = editor.document;
  const pos = editor.selection.active;
  const line = doc.lineAt(pos.line);
  let indent = /^\s*/.exec(line.text)?.[0] ?? '';
  if (/^\s*<\/devices>/.test(line.text)) indent += '  ';
  const block = xml.split('\n').map((l) => indent + l).join('\n');
  const edit = new vscode.WorkspaceEdit();
  if (line.isEmptyOrWhitespace) edit.replace(doc.uri, line.range, block);
  else edit.insert(doc.uri, line.range.start, `${block}\n`);
  if (!(await vscode.workspace.applyEdit(edit))) return [false, `Could not edit ${vscode.workspace.asRelativePath(doc.uri)}.`];
  return [true, `Inserted into ${vscode.workspace.asRelativePath(doc.uri)} at line ${pos.line + 1}.`];
}

/** Adds the device through the launch-script editor core (same as the script commands); a new script when none is open. */
export async function writeScript(editors: EditorTracker, spec: NetworkSpec): Promise<Outcome> {
  // Like the launch-script commands: what lands in a script runs on a host later, so only in a trusted workspace.
  if (!vscode.workspace.isTrusted) return [false, 'Trust the workspace to write into launch scripts (in Restricted Mode KVM Networking only lints).'];
  const editor = editors.editor('script');
  const doc = editor?.document ?? (await vscode.workspace.openTextDocument({ language: 'shellscript', content: '' }));
  const scriptPath = doc.isUntitled ? 'launch-vm.sh' : doc.uri.fsPath;
  const result = addNetworkDevice(doc.getText(), spec, { scriptPath });
  const name = doc.isUntitled ? 'a new launch script' : vscode.workspace.asRelativePath(doc.uri);
  if (result.edits.length === 0) return [true, `${name} already has this device.`];
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) {
    edit.replace(doc.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return [false, `Could not edit ${name}.`];
  if (!editor) await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  const files = result.files.map((f) => f.path).join(', ');
  return [true, `Wrote the arguments into ${name}.${files ? ` It also needs ${files}.` : ''}`];
}
