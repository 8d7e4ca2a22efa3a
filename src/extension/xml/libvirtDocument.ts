import * as vscode from 'vscode';
import { libvirtRoot, ROOT_SCAN_CHARS } from '../../core/documentKind';
import { Config } from '../config';

export const XML_SELECTOR: vscode.DocumentSelector = [{ language: 'xml' }, { scheme: 'untitled' }];

/**
 * Editor features apply to libvirt XML only (other XML is left alone): a libvirt
 * root, a file the user declared with kvmnet.xml.files, or a still empty file.
 */
export function isLibvirtXml(doc: vscode.TextDocument): boolean {
  // Only the head (libvirtRoot reads no further): the status bar asks on every edit, and the whole text of a large
  // file is a copy of megabytes per keystroke on the extension host (issue #12).
  const head = doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(ROOT_SCAN_CHARS)));
  // A blank head is the only case that needs the rest (whitespace only so far, or a blank file: usually tiny).
  const blank = head.trim() === '' && doc.getText().trim() === '';
  if (blank || libvirtRoot(head) !== undefined) return true;
  return Config.current().xmlFiles.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}
