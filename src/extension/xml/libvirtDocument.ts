import * as vscode from 'vscode';
import { libvirtRoot } from '../../core/documentKind';
import { Config } from '../config';

export const XML_SELECTOR: vscode.DocumentSelector = [{ language: 'xml' }, { scheme: 'untitled' }];

/**
 * Editor features apply to libvirt XML only (other XML is left alone): a libvirt
 * root, a file the user declared with kvmnet.xml.files, or a still empty file.
 */
export function isLibvirtXml(doc: vscode.TextDocument): boolean {
  const text = doc.getText();
  if (text.trim() === '' || libvirtRoot(text) !== undefined) return true;
  return Config.current().xmlFiles.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}
