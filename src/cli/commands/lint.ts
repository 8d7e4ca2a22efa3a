import path from 'node:path';
import { notCheckedReason, rootElementName } from '../../core/documentKind';
import type { Finding } from '../../core/findings';
import { MAX_LINT_BYTES } from '../../core/limits';
import { lintText } from '../../core/lint';
import { ConfigError } from '../../core/lintConfig/config';
import { applyLintPolicy } from '../../core/lintConfig/policy';
import { allRules } from '../../core/rules';
import { terminalSafeField, terminalSafeJson } from '../../core/text';
import { ExitCode, flag, stringOption, UsageError, type CommandSpec } from '../command';
import { checkSchemaDir, InputError, readInputFile, readStdin } from '../inputFiles';
import { lintInputs } from '../lintInputs';
import { LintConfigFiles } from '../lintConfigFiles';
import { replaceFileAtomically } from '../atomicWrite';
import { fixText } from '../lintFix';
import { unifiedDiff } from '../../core/lintConfig/fix';
import { toGithubAnnotations, toSarif } from '../lintFormats';
import { cliVersion } from '../version';

/** The JSON shape of one finding: public contract, 1-based lines and columns. */

/**
 * How many files are read ahead of the one being linted. Each read is several thread-pool round trips (stat,
 * open, fstat, read, close); one file after another, a 600-file run sat idle for a third of its time.
 */
const READ_AHEAD = 8;

type ReadResult = { readonly text: string } | { readonly error: unknown };

/** `reads(i)` is input i's text (or why it was not read), with the next READ_AHEAD reads already under way. */
function readAhead(inputs: readonly { readonly abs: string; readonly stdin?: boolean }[]): (i: number) => Promise<ReadResult> {
  const pending = new Map<number, Promise<ReadResult>>();
  const start = (i: number) => {
    if (pending.has(i) || i >= inputs.length) return;
    const input = inputs[i]!;
    // Settled into a value at once: a read that fails before its turn is no unhandled rejection.
    pending.set(i, (input.stdin ? readStdin() : readInputFile(input.abs)).then((text) => ({ text }), (error: unknown) => ({ error })));
  };
  return (i) => {
    for (let j = i; j <= i + READ_AHEAD; j++) start(j);
    const read = pending.get(i)!;
    pending.delete(i);
    return read;
  };
}
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
  source: string;
  /** Only with --show-fixes: the quick fixes, edits located like the finding (end exclusive). */
  fixes?: JsonFix[];
}

export interface JsonFix {
  title: string;
  isPreferred: boolean;
  edits: { line: number; column: number; endLine: number; endColumn: number; text: string }[];
}

function toJsonFixes(f: Finding): JsonFix[] {
  return (f.fixes ?? []).map((x) => ({
    title: x.title,
    isPreferred: x.isPreferred === true,
    edits: x.edits.map((e) => ({ line: e.range.start.line + 1, column: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1, text: e.newText })),
  }));
}

export function toJsonFinding(file: string, f: Finding): JsonFinding {
  return {
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    source: f.source,
  };
}

function intOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings takes a count (0, 1, …), not '${value}'`);
  return Number(value);
}

export const lintCommand: CommandSpec = {
  name: 'lint',
  summary: 'check libvirt XML files and shell launch scripts',
  usage: 'kvmnet lint [--format text|json|sarif|github] [--config FILE] [--fix|--fix-dry-run] [--show-fixes]\n                   [-r] [--max-warnings N] [--strict] [--schema-dir DIR] [--xml] FILE…|-\n       kvmnet lint --list-rules [--format text|json]',
  help: `Check libvirt XML (domain, network, interface/hostdev fragments, node devices)
against libvirt's RelaxNG schemas and the semantic rules, and the QEMU network
arguments in shell launch scripts. Other files are accepted and have no findings.

Options:
  --format text|json    text (default): one line per finding,
                          FILE:LINE:COL: SEVERITY CODE MESSAGE
                        json: an array of {file, line, column, endLine, endColumn,
                          severity, code, message, source}; lines and columns
                          are 1-based; severity is error, warning, info or hint
                        sarif: a SARIF 2.1.0 log (rules with docs and help
                          links, one result per finding)
                        github: GitHub Actions annotations, one
                          ::error|warning|notice file=…,line=…::MESSAGE line each
  --schema-dir DIR      libvirt schema directory (default: the machine's
                        /usr/share/libvirt/schemas, else the bundled copy)
  --xml                 treat every FILE as libvirt XML whatever its root element
  --config FILE         the lint config for every FILE (default: the nearest
                        .kvmnetrc.json walking up from each FILE's directory):
                        {"rules": {CODE: "error"|"warning"|"info"|"hint"|"off"},
                         "overrides": [{"files": [GLOB…], "rules": {…}}]}
                        (JSON with comments; GLOBs are relative to its directory).
                        A config that does not parse or names an unknown code is
                        an error naming its file and line (exit 2)
  --fix                 apply the preferred fixes (the editor's preferred quick
                        fixes) and report what is left; each file is replaced
                        atomically with its mode kept; symlinks and non-regular
                        files are not written
  --fix-dry-run         print the unified diff --fix would apply instead of the
                        findings; write nothing
  --show-fixes          json: each finding carries "fixes": [{title, isPreferred,
                        edits: [{line, column, endLine, endColumn, text}]}]
Inline suppressions: <!-- kvmnet-disable-next-line CODE[, CODE]: reason --> in
XML covers the next line (the whole tag when it spans lines); # kvmnet disable=CODE
on its own line in a script covers the next command with its continuation lines.
A directive code that suppresses nothing is reported as kvmnet-unused-disable.

Inputs:
  -                     read standard input; --stdin-filename NAME names it (for
                        the kind, the config lookup and the output)
  -r, --recursive       a directory FILE is walked (*.xml, *.sh, *.bash and files
                        without extension), a glob FILE ('vms/**/*.xml') naming
                        no file is expanded; both skip what .gitignore ignores
                        and never follow symlinks
  --max-warnings N      exit 1 when there are more than N warnings
  --strict              a skipped file (binary, too large, neither libvirt XML
                        nor a launch script) exits 2; files a walk finds or
                        --strict checks are listed on stderr when skipped

  --list-rules          print every rule instead of linting: its code, source
                        and one-line doc (text: CODE<TAB>SOURCE<TAB>DOC per
                        line; json: an array of {code, source, doc})

Only regular files of at most ${MAX_LINT_BYTES / 1024 / 1024} MB are read: a FILE that is missing, unreadable,
a FIFO, a device, a directory or larger is named on stderr and not read (exit 2);
the other FILEs are still linted. So are the schema files in --schema-dir. Messages
quote the files, so control characters in them are printed as '?'.

Exit status: 0 no error findings, 1 at least one finding of severity error,
2 usage or I/O error (a FILE or --schema-dir that could not be read).`,
  options: {
    format: { type: 'string' },
    'schema-dir': { type: 'string' },
    xml: { type: 'boolean' },
    'list-rules': { type: 'boolean' },
    config: { type: 'string' },
    fix: { type: 'boolean' },
    'fix-dry-run': { type: 'boolean' },
    'show-fixes': { type: 'boolean' },
    recursive: { type: 'boolean', short: 'r' },
    'stdin-filename': { type: 'string' },
    'max-warnings': { type: 'string' },
    strict: { type: 'boolean' },
  },
  async run(args, io) {
    const format = stringOption(args, 'format') ?? 'text';
    if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`--format must be text or json (or sarif, github), not '${format}'`);
    if (flag(args, 'list-rules')) {
      if (args.positionals.length > 0) throw new UsageError('--list-rules takes no FILE');
      if (format !== 'text' && format !== 'json') throw new UsageError('--list-rules prints text or json');
      const rules = allRules().map((r) => ({ code: r.id, source: r.source, doc: r.doc }));
      if (format === 'json') io.out(`${terminalSafeJson(rules)}\n`);
      else for (const r of rules) io.out(`${r.code}\t${r.source}\t${r.doc}\n`);
      return ExitCode.Ok;
    }
    if (args.positionals.length === 0) throw new UsageError('no FILE given');
    const schemaDir = stringOption(args, 'schema-dir');
    if (schemaDir !== undefined) {
      try {
        await checkSchemaDir(path.resolve(io.cwd, schemaDir));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        io.err(`kvmnet lint: --schema-dir ${e.message}\n`);
        return ExitCode.Usage;
      }
    }
    const fix = flag(args, 'fix');
    const dryRun = flag(args, 'fix-dry-run');
    if (fix && dryRun) throw new UsageError('--fix and --fix-dry-run exclude each other');
    const configPath = stringOption(args, 'config');
    const configs = new LintConfigFiles(configPath === undefined ? undefined : path.resolve(io.cwd, configPath));
    const all: JsonFinding[] = [];
    let ioFailed = false;
    const stdinFilename = stringOption(args, 'stdin-filename');
    if (args.positionals.filter((p) => p === '-').length > 1) throw new UsageError("'-' (standard input) may be given once");
    if (stdinFilename !== undefined && !args.positionals.includes('-')) throw new UsageError("--stdin-filename needs '-' among the FILEs");
    if (fix && args.positionals.includes('-')) throw new UsageError("--fix cannot write standard input; use --fix-dry-run for a diff");
    const maxWarnings = intOption(stringOption(args, 'max-warnings'));
    const strict = flag(args, 'strict');
    const { inputs, failed } = await lintInputs(args.positionals, io, { recursive: flag(args, 'recursive'), ...(stdinFilename === undefined ? {} : { stdinFilename }) });
    if (failed) ioFailed = true;
    let skips = 0;
    const reads = readAhead(inputs);
    for (const [i, { name: file, abs, found }] of inputs.entries()) {
      const read = await reads(i);
      if ('error' in read) {
        if (!(read.error instanceof InputError)) throw read.error;
        io.err(`kvmnet lint: ${file}: ${read.error.message}\n`);
        ioFailed = true;
        continue;
      }
      const { text } = read;
      let settings;
      try {
        settings = await configs.settings(abs);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        io.err(`kvmnet lint: ${e.message}\n`);
        return ExitCode.Usage;
      }
      // In this thread: a worker only keeps an editor responsive, and would load a second copy of the bundle.
      const options = { forceXml: flag(args, 'xml'), schemaThread: 'inline' as const, ...(schemaDir ? { schemaDir } : {}) };
      const result = await lintText(abs, text, options);
      if (result.skipped) {
        io.err(`kvmnet lint: ${file}: skipped (${result.skipped})\n`);
        skips++;
      } else if (result.kind === undefined && (found || strict)) {
        // Named files of other kinds were always accepted silently; a walk's or --strict's are listed.
        io.err(`kvmnet lint: ${file}: skipped (neither libvirt XML nor a launch script)\n`);
        skips++;
      } else if (result.kind === undefined && rootElementName(text) !== undefined) {
        // A named XML file of no libvirt kind is said, never silently passed (exit status as before).
        io.err(`kvmnet lint: ${file}: not checked (${notCheckedReason(text)})\n`);
      }
      let findings = applyLintPolicy(result.kind, text, result.findings, settings);
      if (fix || dryRun) {
        const relint = async (t: string) => applyLintPolicy(result.kind, t, (await lintText(abs, t, options)).findings, settings);
        const fixed = await fixText(text, findings, relint);
        if (dryRun) io.out(unifiedDiff(file, text, fixed.text));
        try {
          if (!dryRun && fixed.text !== text) await replaceFileAtomically(abs, fixed.text);
          findings = [...fixed.findings];
        } catch (e) {
          // The file keeps its text, so its findings stay those of that text.
          io.err(`kvmnet lint: ${file}: ${e instanceof InputError ? e.message : `not fixed: ${(e as Error).message}`}\n`);
          ioFailed = true;
        }
      }
      all.push(...findings.map((f) => ({ ...toJsonFinding(file, f), ...(flag(args, 'show-fixes') ? { fixes: toJsonFixes(f) } : {}) })));
    }
    if (dryRun) {
      // stdout carries the diff alone.
    } else if (format === 'json') io.out(`${terminalSafeJson(all)}\n`);
    else if (format === 'sarif') io.out(`${terminalSafeJson(toSarif(all, cliVersion()))}\n`);
    else if (format === 'github') io.out(toGithubAnnotations(all));
    // One finding per line: a file name or quoted file text with a newline must not forge another one.
    else for (const f of all) io.out(`${terminalSafeField(f.file)}:${f.line}:${f.column}: ${f.severity} ${f.code} ${terminalSafeField(f.message)}\n`);
    if (ioFailed || (strict && skips > 0)) return ExitCode.Usage;
    if (all.some((f) => f.severity === 'error')) return ExitCode.Findings;
    const warnings = all.filter((f) => f.severity === 'warning').length;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.err(`kvmnet lint: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
      return ExitCode.Findings;
    }
    return ExitCode.Ok;
  },
};
