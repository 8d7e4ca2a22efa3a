import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Io } from './command';
import { expandGlob, isGlob, walkDirectory } from './inputWalk';

/** One file to lint: how it is named in the output, its absolute path, whether a walk found it. */
export interface LintInput {
  readonly name: string;
  readonly abs: string;
  /** Standard input (`-`): the text comes from there, the name from --stdin-filename. */
  readonly stdin?: true;
  /** Found by walking a directory or expanding a glob, not named by the user. */
  readonly found?: true;
}

/**
 * The FILE arguments as inputs. Without `recursive` every argument is one input, as it always was (a directory
 * is then refused when read). With it, a directory is walked and a glob naming no existing file is expanded,
 * both honouring .gitignore; a glob that matches nothing is named on stderr (`failed`).
 */
export async function lintInputs(args: readonly string[], io: Io, options: { recursive: boolean; stdinFilename?: string }): Promise<{ inputs: LintInput[]; failed: boolean }> {
  const inputs: LintInput[] = [];
  let failed = false;
  const seen = new Set<string>();
  const add = (input: LintInput) => {
    if (input.found && seen.has(input.abs)) return;
    seen.add(input.abs);
    inputs.push(input);
  };
  for (const arg of args) {
    if (arg === '-') {
      const name = options.stdinFilename ?? '<stdin>';
      add({ name, abs: path.resolve(io.cwd, options.stdinFilename ?? 'stdin'), stdin: true });
      continue;
    }
    const abs = path.resolve(io.cwd, arg);
    if (!options.recursive) {
      add({ name: arg, abs });
      continue;
    }
    const st = await lstat(abs).catch(() => undefined);
    if (st?.isDirectory()) {
      for (const file of await walkDirectory(abs)) add({ name: displayName(io.cwd, arg, abs, file), abs: file, found: true });
    } else if (!st && isGlob(arg)) {
      const files = await expandGlob(arg, io.cwd);
      if (files.length === 0) {
        io.err(`kvmnet lint: ${arg}: no file matches this pattern\n`);
        failed = true;
      }
      for (const file of files) add({ name: path.isAbsolute(arg) ? file : path.relative(io.cwd, file), abs: file, found: true });
    } else add({ name: arg, abs });
  }
  return { inputs, failed };
}

/** A walked file named the way its directory was: relative stays relative, absolute stays absolute. */
function displayName(cwd: string, arg: string, root: string, file: string): string {
  if (path.isAbsolute(arg)) return file;
  return path.relative(cwd, file) || path.join(arg, path.relative(root, file));
}
