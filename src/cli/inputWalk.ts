/*
 * `kvmnet lint --recursive`: a FILE that is a directory is walked, one with glob characters that names no file
 * is expanded; both skip what .gitignore files (in the walked directories and above them up to the repository
 * root) ignore, `.git` itself, and symlinks (never followed: a link can loop or leave the tree).
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { minimatch } from 'minimatch';
import { InputError, readInputFile } from './inputFiles';

/** Files a walk offers to the linter: XML, shell scripts, and extension-less files (scripts by shebang). */
const CANDIDATE = /(?:\.(?:xml|sh|bash)|^[^.]+)$/i;
/** A .gitignore is a short list; a huge one is not read. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;
const GLOB_CHARS = /[*?[\]{}]/;

export function isGlob(arg: string): boolean {
  return GLOB_CHARS.test(arg);
}

interface Rules {
  readonly dir: string;
  readonly ig: Ignore;
}

async function gitignoreIn(dir: string): Promise<Rules | undefined> {
  try {
    const text = await readInputFile(path.join(dir, '.gitignore'), MAX_GITIGNORE_BYTES);
    return { dir, ig: ignore().add(text) };
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

function ignored(rules: readonly Rules[], file: string, isDir: boolean): boolean {
  return rules.some((r) => {
    const rel = path.relative(r.dir, file).split(path.sep).join('/');
    return rel !== '' && !rel.startsWith('..') && r.ig.ignores(isDir ? `${rel}/` : rel);
  });
}

/** The .gitignore rules of the directories above `dir`, up to the repository root (the one holding .git). */
async function rulesAbove(dir: string): Promise<Rules[]> {
  const chain: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    chain.push(d);
    const isRoot = await lstat(path.join(d, '.git')).then(
      () => true,
      () => false,
    );
    if (isRoot || path.dirname(d) === d) break;
  }
  // Only inside a repository do the parents' .gitignore files apply.
  const inRepo = await lstat(path.join(chain[chain.length - 1]!, '.git')).then(
    () => true,
    () => false,
  );
  if (!inRepo) return [];
  return (await Promise.all(chain.map(gitignoreIn))).filter((r): r is Rules => r !== undefined);
}

const isCandidate = (file: string): boolean => CANDIDATE.test(path.basename(file));

/** Every regular file under `root` (absolute) that `accept`s (by default: a candidate name) and no .gitignore ignores, sorted. */
export async function walkDirectory(root: string, accept: (file: string) => boolean = isCandidate): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, rules: Rules[]): Promise<void> => {
    const own = await gitignoreIn(dir);
    const here = own ? [...rules, own] : rules;
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (name === '.git') continue;
      const file = path.join(dir, name);
      const st = await lstat(file);
      if (st.isDirectory()) {
        if (!ignored(here, file, true)) await visit(file, here);
      } else if (st.isFile() && accept(file) && !ignored(here, file, false)) out.push(file);
    }
  };
  await visit(root, await rulesAbove(root));
  return out;
}

/** The files a glob matches (relative to `cwd`, or absolute), walking from its literal leading directories. */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const abs = path.resolve(cwd, pattern).split(path.sep).join('/');
  const parts = abs.split('/');
  const firstMagic = parts.findIndex((p) => isGlob(p));
  const base = parts.slice(0, firstMagic).join('/') || '/';
  const baseStat = await lstat(base).catch(() => undefined);
  if (!baseStat?.isDirectory()) return [];
  return walkDirectory(base, (file) => minimatch(file.split(path.sep).join('/'), abs, { dot: false }));
}
