import * as vscode from 'vscode';
import { hoverXml } from '../../core/xml/complete/hover';
import type { Log } from '../log';
import { isLibvirtXml, XML_SELECTOR } from './libvirtDocument';

/** Hover docs for libvirt networking elements, attributes and values (core/xml/complete/hover). */
export function registerXmlHover(log: Log): vscode.Disposable {
  return vscode.languages.registerHoverProvider(XML_SELECTOR, {
    provideHover(doc, position) {
      try {
        if (!isLibvirtXml(doc)) return undefined;
        const h = hoverXml(doc.getText(), doc.offsetAt(position));
        return h && new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(doc.positionAt(h.span.start), doc.positionAt(h.span.end)));
      } catch (e) {
        log.error(`XML hover failed: ${(e as Error).stack ?? String(e)}`);
        return undefined;
      }
    },
  });
}
