// The webview UI toolkit is deprecated upstream: it may live only in the composer's webview bundle. The webview
// bundle runs in a browser, so it must not pull in Node modules either.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const TOOLKIT = /['"]@vscode\/webview-ui-toolkit/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('only src/webview imports the toolkit', () => {
  const importers = tsFiles(path.join(root, 'src'))
    .filter((f) => TOOLKIT.test(readFileSync(f, 'utf8')))
    .map((f) => path.relative(root, f));
  assert.ok(importers.length > 0, 'the composer webview uses the toolkit');
  assert.deepEqual(importers.filter((f) => !f.startsWith(`src${path.sep}webview${path.sep}`)), []);
});

test('the built bundles: toolkit in dist/webview/composer.js only, and no Node module there', () => {
  const bundle = path.join(root, 'dist', 'webview', 'composer.js');
  assert.ok(existsSync(bundle), 'dist/webview/composer.js is missing: run node scripts/build.mjs (npm test builds first)');
  const web = readFileSync(bundle, 'utf8');
  assert.match(web, /vscode-text-field/, 'the toolkit is bundled into the webview');
  assert.doesNotMatch(web, /\brequire\(|from\s*["']node:/, 'no Node modules in a browser bundle');
  for (const f of ['extension.js', 'cli.js']) {
    const text = readFileSync(path.join(root, 'dist', f), 'utf8');
    assert.doesNotMatch(text, /webview-ui-toolkit|provideVSCodeDesignSystem/, `${f} must not contain the toolkit`);
  }
});
