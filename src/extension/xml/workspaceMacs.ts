import type * as vscode from 'vscode';
import { libvirtRoot } from '../../core/documentKind';
import { parseXml, type XmlDocument } from '../../core/xml/document';
import { duplicateMacsAcrossFiles } from '../../core/xml/rules';
import type { Log } from '../log';
import { registerWorkspaceScan } from '../workspaceScan';

/**
 * Duplicate guest MACs across the workspace's libvirt XML files (two guests with
 * one MAC on a network break ARP/DHCP). Own diagnostic collection: the per-file
 * linter cannot see other files. Parsed files are cached by version/mtime.
 */
export function registerWorkspaceMacs(log: Log): vscode.Disposable {
  return registerWorkspaceScan<XmlDocument>(log, {
    name: 'kvmnet-workspace',
    what: 'duplicate MACs',
    include: ['**/*.xml'],
    maxFiles: 2000,
    watch: '**/*.xml',
    candidate: (uri) => uri.path.endsWith('.xml'),
    parse: (text) => (libvirtRoot(text) !== undefined ? parseXml(text) : undefined),
    check: (files) => duplicateMacsAcrossFiles(files.map((f) => ({ file: f.file, doc: f.parsed }))),
  });
}
