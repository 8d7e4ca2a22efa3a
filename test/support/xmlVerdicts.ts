/*
 * Verdict conformance with virt-xml-validate (libvirt-clients, the real tool): for each XML file, the tool's
 * verdict and ours (validateWithSchema, plus the whole lint's consistency with it). Guest device fragments
 * (<interface>/<hostdev> roots without name=, for virsh attach-device) are validated by us against their
 * definitions in domain.rng; the oracle gets the same fragment wrapped in a minimal domain (a lone <interface>
 * would otherwise be checked against netcf's host-interface schema, which is not what the file is).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libvirtKind, rootElementName } from '../../src/core/documentKind';
import { lintLibvirtXml } from '../../src/core/xml/lint';
import { resolveSchemaSet, SYSTEM_SCHEMA_DIR } from '../../src/core/xml/schema/schemaSet';
import { validateWithSchema } from '../../src/core/xml/schema/validate';

export type Verdict = 'valid' | 'invalid' | 'no-schema';

export interface VerdictRow {
  readonly file: string;
  readonly root: string;
  readonly kind: string;
  readonly oracle: { readonly verdict: Verdict; readonly output: string };
  readonly ours: Verdict;
  readonly detail: string;
}

function wrapFragment(text: string): string {
  const body = text.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, '');
  return `<domain type='kvm'><name>kvmnet-conformance</name><memory>131072</memory><os><type>hvm</type></os><devices>${body}</devices></domain>\n`;
}

function virtXmlValidate(file: string): Promise<VerdictRow['oracle']> {
  return new Promise((resolve) => {
    execFile('virt-xml-validate', [file], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (code === 0) resolve({ verdict: 'valid', output });
      else if (/cannot determine schema type/.test(output)) resolve({ verdict: 'no-schema', output });
      else resolve({ verdict: 'invalid', output });
    });
  });
}

async function pool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Both verdicts on every file (fails loudly when the oracle or libvirt's schemas are missing). */
export async function compareVerdicts(files: readonly string[], base: string): Promise<VerdictRow[]> {
  const probe = spawnSync('virt-xml-validate', ['--version'], { encoding: 'utf8' });
  assert.equal(probe.error, undefined, 'virt-xml-validate is missing: apt-get install libvirt-clients (Debian package)');
  const set = resolveSchemaSet(SYSTEM_SCHEMA_DIR).set;
  assert.ok(set, `${SYSTEM_SCHEMA_DIR} has no libvirt schemas: apt-get install libvirt-clients (Debian package)`);
  const tmp = mkdtempSync(path.join(tmpdir(), 'kvmnet-xml-conformance-'));
  try {
    return await pool(files, 8, async (file) => {
      const text = readFileSync(file, 'utf8');
      const root = rootElementName(text) ?? '';
      const kind = libvirtKind(text);
      let oracleFile = file;
      if (kind?.kind === 'fragment') {
        oracleFile = path.join(tmp, `${path.basename(file, '.xml')}-${Math.random().toString(36).slice(2)}.xml`);
        writeFileSync(oracleFile, wrapFragment(text));
      }
      const oracle = await virtXmlValidate(oracleFile);
      let ours: Verdict;
      let detail = '';
      if (kind === undefined) {
        ours = 'no-schema';
      } else {
        const outcome = await validateWithSchema(text, set);
        ours = outcome.valid ? 'valid' : 'invalid';
        detail = outcome.findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.code} ${f.message}`).join('\n      ');
        // The whole lint agrees: an invalid file has at least one error (a semantic rule may stand in for the
        // schema finding on the same attribute), a valid one no schema finding at all.
        const findings = await lintLibvirtXml(text, { schemaDir: SYSTEM_SCHEMA_DIR, schemaThread: 'inline' });
        if (ours === 'invalid') assert.ok(findings.some((f) => f.severity === 'error'), `${file}: invalid but lint reports no error`);
        else assert.deepEqual(findings.filter((f) => f.source === 'kvmnet-schema'), [], `${file}: valid but schema findings`);
        if (ours === 'invalid') assert.ok(outcome.findings.length > 0, `${file}: invalid without a located finding`);
      }
      return { file: path.relative(base, file), root, kind: kind ? (kind.kind === 'fragment' ? `fragment <${kind.root}>` : kind.schema) : '-', oracle, ours, detail };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Prints the disagreements and a summary line; returns the disagreements. */
export function reportVerdicts(title: string, rows: readonly VerdictRow[]): VerdictRow[] {
  const disagreements = rows.filter((r) => r.ours !== r.oracle.verdict);
  for (const d of disagreements) {
    console.log(`DISAGREEMENT ${d.file} <${d.root}> (${d.kind}): virt-xml-validate=${d.oracle.verdict} kvmnet=${d.ours}\n    oracle: ${d.oracle.output.split('\n').slice(0, 4).join(' | ')}\n    kvmnet: ${d.detail || '(no schema errors)'}`);
  }
  const count = (v: Verdict): number => rows.filter((r) => r.oracle.verdict === v).length;
  const kinds = [...new Set(rows.map((r) => r.kind))].sort();
  console.log(
    `${title}: ${rows.length} files of ${kinds.length} kinds (${rows.filter((r) => r.kind.startsWith('fragment')).length} fragments wrapped for the oracle), ` +
      `virt-xml-validate: ${count('valid')} valid, ${count('invalid')} invalid, ${count('no-schema')} without a libvirt schema; ${disagreements.length} disagreements`,
  );
  for (const r of rows.filter((x) => x.ours === 'invalid')) console.log(`  invalid ${r.file}:\n      ${r.detail}`);
  return disagreements;
}
