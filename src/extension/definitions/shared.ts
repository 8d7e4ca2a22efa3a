import * as vscode from 'vscode';
import type { DefinitionKind, DefinitionRef } from '../../core/libvirt/definition';
import { explain } from '../../core/kb/explain';
import type { HostEntry } from '../hosts';
import type { Log } from '../log';
import { DEFINITION_SCHEME } from '../schemes';

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string): string => Buffer.from(s, 'hex').toString('utf8');

/** kvmnet-libvirt://HOST-HEX/KIND/UUID/NAME.xml: the host id hex-encoded (any configured string is a valid authority). */
export function definitionUri(hostId: string, ref: DefinitionRef): vscode.Uri {
  return vscode.Uri.from({ scheme: DEFINITION_SCHEME, authority: hex(hostId), path: `/${ref.kind}/${ref.uuid}/${encodeURIComponent(ref.name)}.xml` });
}

export function parseUri(uri: vscode.Uri): { hostId: string; ref: DefinitionRef } {
  const m = /^\/(domain|network)\/([0-9a-f-]{36})\/([^/]+)\.xml$/i.exec(uri.path);
  if (!m || !/^[0-9a-f]*$/.test(uri.authority)) throw vscode.FileSystemError.FileNotFound(uri);
  return { hostId: unhex(uri.authority), ref: { kind: m[1] as DefinitionKind, uuid: m[2]!, name: decodeURIComponent(m[3]!) } };
}

/** libvirt's refusal, verbatim, with the knowledge base's explanation when one matches; logged and shown. Returns the reason. */
export function libvirtRefused(log: Log, name: string, host: HostEntry, e: unknown): string {
  const why = e instanceof Error ? e.message : String(e);
  const hint = explain(why)[0]?.entry;
  log.error(`define ${name} on ${host.label}: ${why}`);
  void vscode.window.showErrorMessage(`libvirt refused ${name}: ${why}${hint ? ` — ${hint.title}: ${hint.cause}` : ''}`);
  return why;
}
