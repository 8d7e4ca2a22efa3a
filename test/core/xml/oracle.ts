import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// libvirt's own tools as oracles. Missing tools fail loudly: a skipped oracle would hide regressions.

function requireTool(cmd: string): void {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  assert.equal(r.error, undefined, `${cmd} is missing: apt-get install libvirt-clients (Debian package)`);
}

/** A minimal domain around device markup (a fragment or several). */
export function wrapDomain(devices: string, name = 'kvmnet-test'): string {
  return `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

export interface OracleVerdict {
  readonly ok: boolean;
  readonly output: string;
}

function withFile<T>(xml: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-oracle-'));
  try {
    const file = path.join(dir, 'doc.xml');
    writeFileSync(file, xml);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** virt-xml-validate: libvirt's RelaxNG schemas, chosen by the root element. */
export function virtXmlValidate(xml: string): OracleVerdict {
  requireTool('virt-xml-validate');
  return withFile(xml, (file) => {
    const r = spawnSync('virt-xml-validate', [file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  });
}

/** libvirt's own network parser without a daemon (the test driver). */
export function virshNetDefine(xml: string): OracleVerdict {
  requireTool('virsh');
  return withFile(xml, (file) => {
    const r = spawnSync('virsh', ['-c', 'test:///default', 'net-define', file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  });
}

/** libvirt's own domain parser without a daemon (the test driver). */
export function virshDefine(xml: string): OracleVerdict {
  requireTool('virsh');
  return withFile(xml, (file) => {
    const r = spawnSync('virsh', ['-c', 'test:///default', 'define', file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  });
}
