import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

/** Exit codes are part of the public contract (see `kvmnet --help`). */
export const ExitCode = { Ok: 0, Findings: 1, Usage: 2 } as const;

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** One line: `kvmnet NAME …`. */
  readonly usage: string;
  /** Full help text shown by `kvmnet NAME --help`. */
  readonly help: string;
  readonly options: Options;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Strict parsing: unknown options and missing values are usage errors, never ignored. */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  try {
    const { values, positionals } = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A whole-number option; anything else given is a usage error. */
export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v !== undefined && !/^\d+$/.test(v)) throw new UsageError(`--${name} must be a number, not '${v}'`);
  return v === undefined ? undefined : Number(v);
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** Options every host-facing command takes. */
export const hostOptions = {
  host: { type: 'string' },
  'ssh-option': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const satisfies Options;

export const HOST_HELP = `  --host H              where to look: local (default), demo (the embedded demo host),
                        an ssh alias from ~/.ssh/config, or ssh://user@host:port
  --ssh-option KEY=VAL  extra OpenSSH option, passed as -o KEY=VAL (repeatable)
  --json                print JSON instead of text`;
