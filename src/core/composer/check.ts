import type { Finding } from '../findings';
import { lintLaunchScript } from '../qemu/lint';
import { lintLibvirtXml, type XmlLintOptions } from '../xml/lint';
import type { ComposeResult } from './compose';
import type { FieldError } from './state';

/** A minimal domain around a device element, so libvirt's domain schema and rules apply to it. */
export function wrapInDomain(deviceXml: string): string {
  const devices = deviceXml.split('\n').map((l) => `    ${l}`).join('\n');
  return `<domain type='kvm'>\n  <name>composer</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

export interface CheckedOutput {
  /** Errors of the shared checkers, on the preview they concern (field 'xml' or 'qemu'). */
  readonly errors: readonly FieldError[];
  /** Their warnings, hints and information, prefixed with the side they concern. */
  readonly notes: readonly string[];
}

/**
 * Runs what the composer produced through the same checkers as the editor and the CLI (libvirt schema + rules,
 * the launch-script linter), so the preview says what the XML and script files would be told.
 */
export async function checkComposed(result: ComposeResult, xmlOptions: XmlLintOptions = {}): Promise<CheckedOutput> {
  if (result.errors.length > 0) return { errors: [], notes: [] };
  const errors: FieldError[] = [];
  const notes: string[] = [];
  const take = (field: 'xml' | 'qemu', findings: readonly Finding[]): void => {
    for (const f of findings) {
      if (f.severity === 'error') errors.push({ field, message: `${field === 'xml' ? 'libvirt' : 'QEMU'}: ${f.message}` });
      else if (!notes.includes(`${field === 'xml' ? 'libvirt' : 'QEMU'}: ${f.message}`)) notes.push(`${field === 'xml' ? 'libvirt' : 'QEMU'}: ${f.message}`);
    }
  };
  take('xml', await lintLibvirtXml(wrapInDomain(result.xml), xmlOptions));
  const line = result.qemuText.split('\n').pop() ?? '';
  // Helper files (qemu-ifup) are the user's to create: the script linter is told they exist.
  take('qemu', lintLaunchScript(`#!/bin/sh\n${result.prelude.join('\n')}\nqemu-system-x86_64 ${line}\n`, { fileExists: () => true }));
  return { errors, notes };
}
