/*
 * The machine formats of `kvmnet lint` besides JSON: SARIF 2.1.0 (code scanning, IDE viewers) and GitHub
 * Actions workflow commands (annotations on the pull request's files).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { documentedRules, ruleDocUrl } from '../core/lintConfig/ruleDocs';
import type { JsonFinding } from './commands/lint';

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;

/** A file as the user named it: a relative path stays a relative URI reference, an absolute one is a file: URI. */
function artifactUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

/** One SARIF log with one run: every lint rule (id, doc, help link) and one result per finding. */
export function toSarif(findings: readonly JsonFinding[], version: string): object {
  const rules = documentedRules().filter((r) => r.kind === 'lint');
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kvmnet',
            version,
            informationUri: ruleDocUrl('README').replace(/README\.md$/, ''),
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.doc },
              helpUri: ruleDocUrl(r.id),
              help: { text: `${r.doc}\n\n${ruleDocUrl(r.id)}` },
              properties: { tags: [r.source] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.code,
          ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}

const GITHUB_LEVEL = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' } as const;

/** Workflow-command escaping: data may not hold a raw newline; property values not ',' or ':' either. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=F,line=L,endLine=…,col=C,endColumn=…,title=CODE::MESSAGE`, one per finding. */
export function toGithubAnnotations(findings: readonly JsonFinding[]): string {
  return findings
    .map((f) => {
      const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `endLine=${f.endLine}`];
      // GitHub takes columns only within one line.
      if (f.line === f.endLine) props.push(`col=${f.column}`, `endColumn=${f.endColumn}`);
      props.push(`title=${escapeProperty(`kvmnet ${f.code}`)}`);
      return `::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${escapeData(`${f.message} (${ruleDocUrl(f.code)})`)}\n`;
    })
    .join('');
}
