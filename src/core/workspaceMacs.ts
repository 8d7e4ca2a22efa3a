/*
 * The cross-file MAC checks of a workspace (libvirt XML and launch scripts) from file texts: what the lint worker
 * runs for the editor's workspace scans, so the extension host never parses a whole file (issue #12). Parses are
 * cached by file and text, so a rescan after one edit parses that one file again.
 */
import type { DocumentKind } from './documentKind';
import type { Finding } from './findings';
import { parseLaunchScript, type LaunchScript } from './qemu/model';
import { duplicateMacsAcrossScripts } from './qemu/workspace';
import { parseXml, type XmlDocument } from './xml/document';
import { duplicateMacsAcrossFiles } from './xml/rules';

/** One file of a workspace scan: its name as shown (workspace-relative), its path (seeds generated MACs) and text. */
export interface WorkspaceText {
  readonly file: string;
  readonly path: string;
  readonly text: string;
}

type Parsed = { readonly kind: 'libvirt-xml'; readonly doc: XmlDocument } | { readonly kind: 'launch-script'; readonly script: LaunchScript };

/** The last parse of each file per kind; only files of the latest scan are kept. */
const cache = new Map<DocumentKind, Map<string, { text: string; parsed: Parsed }>>();

function parse(kind: DocumentKind, text: string): Parsed {
  return kind === 'libvirt-xml' ? { kind, doc: parseXml(text) } : { kind, script: parseLaunchScript(text) };
}

/** Findings per file (every file given gets an entry, possibly empty), as [file, findings] pairs. */
export function workspaceMacFindings(kind: DocumentKind, files: readonly WorkspaceText[]): [string, Finding[]][] {
  const last = cache.get(kind) ?? new Map<string, { text: string; parsed: Parsed }>();
  const next = new Map<string, { text: string; parsed: Parsed }>();
  for (const f of files) {
    const hit = last.get(f.file);
    next.set(f.file, hit?.text === f.text ? hit : { text: f.text, parsed: parse(kind, f.text) });
  }
  cache.set(kind, next);
  const parsed = files.map((f) => ({ ...f, parsed: next.get(f.file)!.parsed }));
  const byFile =
    kind === 'libvirt-xml'
      ? duplicateMacsAcrossFiles(parsed.flatMap((f) => (f.parsed.kind === 'libvirt-xml' ? [{ file: f.file, doc: f.parsed.doc }] : [])))
      : duplicateMacsAcrossScripts(
          parsed.flatMap((f) => (f.parsed.kind === 'launch-script' && f.parsed.script.invocations.length > 0 ? [{ file: f.file, path: f.path, text: f.text, script: f.parsed.script }] : [])),
        );
  return files.map((f) => [f.file, byFile.get(f.file) ?? []]);
}
