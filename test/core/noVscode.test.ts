import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const coreDir = path.join(import.meta.dirname, '../../src/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// Matches import/export-from/require/dynamic import of 'vscode' in any quoting.
const VSCODE_IMPORT = /(?:from\s*|require\s*\(\s*|import\s*\(\s*|import\s+)['"]vscode['"]/;

test('no file under src/core imports vscode', () => {
  const files = tsFiles(coreDir);
  assert.ok(files.length > 5, 'expected core files');
  const offenders = files.filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(coreDir, f)), []);
});

test('the import detector recognises each import form', () => {
  for (const s of [`import * as vscode from 'vscode';`, `import "vscode";`, `const v = require("vscode")`, `await import('vscode')`, `export { x } from 'vscode'`]) {
    assert.match(s, VSCODE_IMPORT, s);
  }
  assert.doesNotMatch(`import x from 'vscode-uri'`, VSCODE_IMPORT);
});
