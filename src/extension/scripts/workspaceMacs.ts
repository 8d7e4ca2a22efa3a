import * as vscode from 'vscode';
import { detectDocumentKind } from '../../core/documentKind';
import { looksBinary } from '../../core/limits';
import type { Log } from '../log';
import type { FixIndex } from '../diagnostics';
import { registerWorkspaceScan } from '../workspaceScan';

/** *.sh / *.bash, or a name without a dot (a shebang may make it a script). */
function mayBeScript(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  const base = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return /\.(?:sh|bash)$/i.test(base) || !base.includes('.');
}

/**
 * MACs shared between the workspace's QEMU launch scripts (QEMU's default 52:54:00:12:34:56, given or implied by a
 * tap/bridge NIC without mac=, or any explicit one):
 * two guests with one MAC on a network collide. Own diagnostic collection, as the per-file linter sees one file.
 * Parsed and checked in the lint worker (a script without a QEMU command has no findings).
 */
export function registerScriptWorkspaceMacs(log: Log, fixIndex: FixIndex): vscode.Disposable {
  return registerWorkspaceScan(log, fixIndex, {
    name: 'kvmnet-qemu-workspace',
    what: 'launch-script MACs',
    // Scripts by name first, so the bounded catch-all (for shebang-only scripts) cannot crowd them out.
    include: ['**/*.{sh,bash}', '**/*'],
    maxFiles: 2000,
    watch: '**/*',
    candidate: mayBeScript,
    kind: 'launch-script',
    ofKind: (text, uri) => !looksBinary(text) && detectDocumentKind(uri.path, text) === 'launch-script',
  });
}
