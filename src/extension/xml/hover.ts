import * as vscode from 'vscode';
import { hoverOffThread } from '../../core/xml/schema/client';
import type { Log } from '../log';
import { isLibvirtXml, XML_SELECTOR } from './libvirtDocument';

/** Hover docs for libvirt networking elements, attributes and values (core/xml/complete/hover), in the lint worker. */
export function registerXmlHover(log: Log): vscode.Disposable {
  return vscode.languages.registerHoverProvider(XML_SELECTOR, {
    async provideHover(doc, position, token) {
      try {
        if (!isLibvirtXml(doc)) return undefined;
        const h = await hoverOffThread(doc.getText(), doc.offsetAt(position), `hover:${doc.uri.toString()}`);
        if (token.isCancellationRequested) return undefined;
        return h && new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(doc.positionAt(h.span.start), doc.positionAt(h.span.end)));
      } catch (e) {
        log.error(`XML hover failed: ${(e as Error).stack ?? String(e)}`);
        return undefined;
      }
    },
  });
}
