import type * as vscode from 'vscode';
import { isGuestXml, libvirtKind } from '../../core/documentKind';
import type { Log } from '../log';
import type { FixIndex } from '../diagnostics';
import { registerWorkspaceScan } from '../workspaceScan';

/**
 * Duplicate guest MACs across the workspace's libvirt XML files (two guests with
 * one MAC on a network break ARP/DHCP). Own diagnostic collection: the per-file
 * linter cannot see other files. Parsed and checked in the lint worker.
 */
export function registerWorkspaceMacs(log: Log, fixIndex: FixIndex): vscode.Disposable {
  return registerWorkspaceScan(log, fixIndex, {
    name: 'kvmnet-workspace',
    what: 'duplicate MACs',
    include: ['**/*.xml'],
    maxFiles: 2000,
    watch: '**/*.xml',
    candidate: (uri) => uri.path.endsWith('.xml'),
    kind: 'libvirt-xml',
    ofKind: (text) => isGuestXml(libvirtKind(text)),
  });
}
