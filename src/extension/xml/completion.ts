import * as vscode from 'vscode';
import type { XmlCompletion } from '../../core/xml/complete/complete';
import { completeOffThread } from '../../core/xml/schema/client';
import { loadSchemaSet } from '../../core/xml/schema/schemaSet';
import { Config } from '../config';
import type { Log } from '../log';
import { isLibvirtXml, XML_SELECTOR } from './libvirtDocument';

const KINDS: Record<XmlCompletion['kind'], vscode.CompletionItemKind> = {
  element: vscode.CompletionItemKind.Class,
  attribute: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
};

function toItem(doc: vscode.TextDocument, position: vscode.Position, c: XmlCompletion): vscode.CompletionItem {
  const item = new vscode.CompletionItem(c.label, KINDS[c.kind]);
  item.insertText = new vscode.SnippetString(c.insert);
  item.documentation = new vscode.MarkdownString(c.documentation);
  const start = doc.positionAt(c.replace.start);
  const end = doc.positionAt(c.replace.end);
  // The editor rejects multi-line ranges and ranges not containing the cursor.
  item.range = start.line === end.line && end.isAfterOrEqual(position) ? new vscode.Range(start, end) : new vscode.Range(start, position);
  if (c.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
  return item;
}

/**
 * Element, attribute and value completion for libvirt networking XML (core/xml/complete), computed in the lint
 * worker: it parses the text up to the cursor, on a large file a freeze per keystroke here (issue #12).
 */
export function registerXmlCompletion(log: Log): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(
    XML_SELECTOR,
    {
      async provideCompletionItems(doc, position, token) {
        try {
          if (!isLibvirtXml(doc)) return [];
          // The schema set in use (setting → machine → bundled), read asynchronously once; without one, the curated table answers alone.
          const schemaDir = (await loadSchemaSet(Config.current().schemaPath)).set?.dir;
          const items = await completeOffThread(doc.getText(), doc.offsetAt(position), schemaDir, `complete:${doc.uri.toString()}`);
          // Superseded by a newer request, or the document changed meanwhile (the offsets would be off).
          if (!items || token.isCancellationRequested) return [];
          return items.map((c) => toItem(doc, position, c));
        } catch (e) {
          log.error(`XML completion failed: ${(e as Error).stack ?? String(e)}`);
          return [];
        }
      },
    },
    '<', ' ', "'", '"',
  );
}
