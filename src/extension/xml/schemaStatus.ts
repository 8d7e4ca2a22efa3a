import * as vscode from 'vscode';
import { disposeSchemaWorker } from '../../core/xml/schema/client';
import { describeSchemaSet, loadSchemaSet, type SchemaSetResolution } from '../../core/xml/schema/schemaSet';
import { Config, onConfigChange } from '../config';
import type { Log } from '../log';
import { isLibvirtXml, XML_SELECTOR } from './libvirtDocument';
import { Commands } from '../commands';

/**
 * Status bar item naming the libvirt schema set libvirt XML is validated with (schemas are
 * versioned: libvirt 9 rejects some libvirt 11 XML), shown while a libvirt XML editor is active.
 */
export function registerSchemaStatus(log: Log): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('kvmnet.schemaStatus', vscode.StatusBarAlignment.Right, 100);
  item.name = 'KVM Networking: libvirt schemas';
  item.command = Commands.showLog;
  let lastLogged = '';
  let resolution: SchemaSetResolution | undefined;
  let asked = 0;
  /** Reads the configured set asynchronously (its files checked and loaded); the latest request wins. */
  function load(): void {
    const mine = ++asked;
    void loadSchemaSet(Config.current().schemaPath).then((r) => {
      if (mine !== asked) return;
      resolution = r;
      refresh();
    });
  }

  function refresh(): void {
    const editor = vscode.window.activeTextEditor;
    if (!resolution || !editor || vscode.languages.match(XML_SELECTOR, editor.document) === 0 || !isLibvirtXml(editor.document)) {
      item.hide();
      return;
    }
    const { set, problem } = resolution;
    if (set) {
      const description = describeSchemaSet(set);
      item.text = `$(check) libvirt ${set.version?.replace(/-.*$/, '') ?? '?'} schemas`;
      item.tooltip = new vscode.MarkdownString(`Validating libvirt XML with **${description}**\n\n\`${set.dir}\`\n\nSet \`kvmnet.libvirt.schemaPath\` to use a target host's schemas.`);
      item.backgroundColor = undefined;
      if (description !== lastLogged) log.info(`Schema validation: ${description} (${set.dir})`);
      lastLogged = description;
    } else {
      item.text = '$(warning) libvirt schemas: none';
      item.tooltip = `Not validating against libvirt's schema: ${problem ?? 'no schemas'}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      if (problem !== lastLogged) log.warn(`Schema validation off: ${problem ?? 'no schemas'}`);
      lastLogged = problem ?? '';
    }
    item.show();
  }

  load();
  return vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) refresh();
    }),
    onConfigChange(load),
    // The schema worker thread lives as long as the extension.
    { dispose: disposeSchemaWorker },
  );
}
