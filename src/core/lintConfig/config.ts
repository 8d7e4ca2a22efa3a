/*
 * The project lint configuration, `.kvmnetrc.json` (JSON with comments, like `.eslintrc.json`): a rule's
 * severity or `off`, and per-path overrides. It comes from a workspace, so it is data only: parsed, never
 * evaluated; its size is bounded by whoever reads it (MAX_CONFIG_BYTES).
 */
// The ESM build: the UMD one (package main) requires its parts dynamically, which esbuild cannot bundle.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { minimatch } from 'minimatch';
import type { Severity } from '../findings';
import { LineIndex } from '../text';

export const CONFIG_FILE_NAME = '.kvmnetrc.json';
/** A rule table for a few hundred codes is a few KiB; anything far larger is not a config. */
export const MAX_CONFIG_BYTES = 256 * 1024;

export type RuleSetting = Severity | 'off';
export type RuleSettings = Readonly<Record<string, RuleSetting>>;

export interface Override {
  readonly files: readonly string[];
  readonly rules: RuleSettings;
}

export interface LintConfig {
  /** The file it was read from; override globs are relative to its directory. */
  readonly file: string;
  readonly rules: RuleSettings;
  readonly overrides: readonly Override[];
}

/** A config that cannot be used, located in its file (1-based line and column; line 0: the file as a whole). */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(line > 0 ? `${file}:${line}:${column}: ${problem}` : `${file}: ${problem}`);
  }
}

const SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'hint', 'off'];

class Reader {
  private readonly index: LineIndex;

  constructor(
    readonly file: string,
    text: string,
    private readonly knownCodes: ReadonlySet<string>,
  ) {
    this.index = new LineIndex(text);
  }

  fail(offset: number, problem: string): never {
    const pos = this.index.positionAt(offset);
    throw new ConfigError(this.file, pos.line + 1, pos.character + 1, problem);
  }

  properties(node: Node, what: string): [key: Node, value: Node][] {
    if (node.type !== 'object') this.fail(node.offset, `${what} must be an object`);
    return (node.children ?? []).map((p) => [p.children![0]!, p.children![1]!]);
  }

  string(node: Node, what: string): string {
    if (node.type !== 'string') this.fail(node.offset, `${what} must be a string`);
    return node.value as string;
  }

  rules(node: Node): RuleSettings {
    const rules: Record<string, RuleSetting> = {};
    for (const [key, value] of this.properties(node, '"rules"')) {
      const code = key.value as string;
      if (!this.knownCodes.has(code)) this.fail(key.offset, `unknown rule code '${code}' (kvmnet lint --list-rules lists them)`);
      const setting = this.string(value, `the setting of '${code}'`);
      if (!SETTINGS.includes(setting as RuleSetting)) this.fail(value.offset, `'${code}' must be one of ${SETTINGS.join(', ')}, not '${setting}'`);
      rules[code] = setting as RuleSetting;
    }
    return rules;
  }

  override(node: Node): Override {
    let files: string[] | undefined;
    let rules: RuleSettings = {};
    for (const [key, value] of this.properties(node, 'an override')) {
      if (key.value === 'files') {
        files = value.type === 'array' ? (value.children ?? []).map((c) => this.string(c, 'a "files" pattern')) : [this.string(value, '"files"')];
        if (files.length === 0) this.fail(value.offset, '"files" lists no pattern');
      } else if (key.value === 'rules') rules = this.rules(value);
      else this.fail(key.offset, `unknown key '${String(key.value)}' in an override (expected files, rules)`);
    }
    if (!files) this.fail(node.offset, 'an override needs "files"');
    return { files, rules };
  }
}

/**
 * Parses a config's text. Every problem (syntax, unknown key, unknown rule code, bad severity) is a ConfigError
 * naming the file, line and column: a typo must not silently turn a rule back on.
 */
export function parseLintConfig(file: string, text: string, knownCodes: ReadonlySet<string>): LintConfig {
  const reader: Reader = new Reader(file, text, knownCodes);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) reader.fail(errors[0]!.offset, `not valid JSON: ${printParseErrorCode(errors[0]!.error)}`);
  if (!root) reader.fail(0, 'empty; expected an object with "rules" and "overrides"');
  let rules: RuleSettings = {};
  const overrides: Override[] = [];
  for (const [key, value] of reader.properties(root, 'the config')) {
    if (key.value === 'rules') rules = reader.rules(value);
    else if (key.value === 'overrides') {
      if (value.type !== 'array') reader.fail(value.offset, '"overrides" must be an array');
      for (const o of value.children ?? []) overrides.push(reader.override(o));
    } else reader.fail(key.offset, `unknown key '${String(key.value)}' (expected rules, overrides)`);
  }
  return { file, rules, overrides };
}

/**
 * The rule settings for one file: the config's rules, then every override whose pattern matches the file's
 * path relative to the config's directory (later ones win), then `extra` (the editor's kvmnet.lint.rules).
 * `relativePath` uses '/' separators.
 */
export function settingsFor(config: LintConfig | undefined, relativePath: string, extra: RuleSettings = {}): RuleSettings {
  const merged: Record<string, RuleSetting> = { ...config?.rules };
  for (const o of config?.overrides ?? []) {
    if (o.files.some((p) => minimatch(relativePath, p, { dot: true, matchBase: !p.includes('/') }))) Object.assign(merged, o.rules);
  }
  return Object.assign(merged, extra);
}
