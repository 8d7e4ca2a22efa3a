import path from 'node:path';
import { MAX_LINT_BYTES } from '../../core/limits';
import { ConvertError, untranslated, type ConvertNote, type Mapped } from '../../core/convert/model';
import { scriptToDomain } from '../../core/convert/scriptToXml';
import { domainToArgs } from '../../core/convert/xmlToArgs';
import { LineIndex, terminalSafeField } from '../../core/text';
import { ExitCode, stringOption, UsageError, type CommandSpec } from '../command';
import { InputError, readInputFile } from '../inputFiles';

/** One note as JSON: 1-based line/column of where it points in FILE. */
function jsonNote(index: LineIndex, n: ConvertNote): Record<string, unknown> {
  const s = index.positionAt(n.span.start);
  const e = index.positionAt(n.span.end);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: n.severity, message: n.message };
}

function jsonMapped(index: LineIndex, m: Mapped): Record<string, unknown> {
  return { line: index.positionAt(m.span.start).line + 1, text: m.text };
}

export const convertCommand: CommandSpec = {
  name: 'convert',
  summary: 'translate a QEMU launch script to libvirt domain XML, or domain XML to QEMU arguments',
  usage: 'kvmnet convert FILE --to libvirt|qemu [--invocation N] [--format text|json]',
  help: `Translate between QEMU launch scripts and libvirt domain XML.

  --to libvirt   FILE is a shell launch script: its QEMU invocation becomes a
                 complete <domain> (name, memory, vCPUs, machine, accelerator,
                 CPU, firmware, disks, every NIC and vfio-pci device) on stdout
  --to qemu      FILE is libvirt domain XML (or a lone <interface>/<hostdev>):
                 a launch script in -netdev/-device syntax with the host
                 preparation steps, on stdout

Options:
  --invocation N   which QEMU invocation of the script (1-based); needed when
                   the script has several
  --format text|json
                   text (default): the result on stdout, then one line per note
                   on stderr, FILE:LINE:COL: SEVERITY MESSAGE
                   json: {output, notes: [{line, column, endLine, endColumn,
                   severity, message}], mapped: [{line, text}]} on stdout

Whatever does not map is never dropped: it is a note "not translated: …"
pointing at the script or XML. Port forwards of user networking need
libvirt's passt backend (<backend type='passt'/>), which the note says.

Exit status: 0 everything translated, 1 something was not translated (see the
warnings), 2 usage or I/O error, or nothing to convert.`,
  options: {
    to: { type: 'string' },
    invocation: { type: 'string' },
    format: { type: 'string' },
  },
  async run(args, io) {
    const to = stringOption(args, 'to');
    const format = stringOption(args, 'format') ?? 'text';
    if (to !== 'libvirt' && to !== 'qemu') throw new UsageError('--to libvirt or --to qemu is required');
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    const inv = stringOption(args, 'invocation');
    if (inv !== undefined && !/^[1-9]\d{0,5}$/.test(inv)) throw new UsageError(`--invocation must be a number from 1, not '${inv}'`);
    if (inv !== undefined && to === 'qemu') throw new UsageError('--invocation applies to --to libvirt only');
    if (args.positionals.length !== 1) throw new UsageError('exactly one FILE is required');
    const file = args.positionals[0]!;
    let text: string;
    try {
      text = await readInputFile(path.resolve(io.cwd, file), MAX_LINT_BYTES);
    } catch (e) {
      if (e instanceof InputError) {
        io.err(`kvmnet convert: ${terminalSafeField(e.message)}\n`);
        return ExitCode.Usage;
      }
      throw e;
    }
    let output: string;
    let notes: readonly ConvertNote[];
    let mapped: readonly Mapped[];
    try {
      const r = to === 'libvirt'
        ? scriptToDomain(text, { scriptPath: path.resolve(io.cwd, file), ...(inv !== undefined ? { invocation: Number(inv) - 1 } : {}) })
        : domainToArgs(text, { scriptPath: path.resolve(io.cwd, file).replace(/\.xml$/i, '.sh') });
      output = 'xml' in r ? r.xml : r.text;
      notes = r.notes;
      mapped = r.mapped;
    } catch (e) {
      if (!(e instanceof ConvertError)) throw e;
      io.err(`kvmnet convert: ${terminalSafeField(file)}: ${terminalSafeField(e.message)}\n`);
      return ExitCode.Usage;
    }
    const index = new LineIndex(text);
    if (format === 'json') {
      io.out(`${JSON.stringify({ output, notes: notes.map((n) => jsonNote(index, n)), mapped: mapped.map((m) => jsonMapped(index, m)) }, null, 2)}\n`);
    } else {
      io.out(output);
      for (const n of notes) {
        const p = index.positionAt(n.span.start);
        io.err(`${terminalSafeField(file)}:${p.line + 1}:${p.character + 1}: ${n.severity} ${terminalSafeField(n.message)}\n`);
      }
    }
    return untranslated(notes).length > 0 ? ExitCode.Findings : ExitCode.Ok;
  },
};
