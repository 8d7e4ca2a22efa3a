import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composerHtml } from '../../../src/core/composer/html';
import { parseFormState } from '../../../src/core/composer/protocol';
import { defaultFormState } from '../../../src/core/composer/state';

const input = { cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x.vscode-cdn.net/dist/webview/composer.js', styleUri: 'https://x.vscode-cdn.net/media/composer/composer.css', nonce: 'abc123XYZ' };

test('strict CSP: nothing by default, own styles, only the nonced script', () => {
  const html = composerHtml({ ...input, state: defaultFormState() });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!.replace(/&#39;/g, "'");
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-abc123XYZ'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script nonce="abc123XYZ" src="${input.scriptUri}">`], 'one external script, with the nonce');
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline styles or event handlers');
});

test('every form control has a label (slot text, a <label> or aria-labelledby)', () => {
  const html = composerHtml({ ...input, state: defaultFormState() });
  for (const m of html.matchAll(/<vscode-(text-field|checkbox|dropdown)\b([^>]*)>([^<]*)/g)) {
    const [, kind, attrs, slot] = m;
    const labelled = kind === 'dropdown' ? /aria-labelledby="([^"]+)"/.exec(attrs!) : slot!.trim() !== '';
    assert.ok(labelled, `unlabelled ${kind}: ${m[0]}`);
    if (kind === 'dropdown') assert.ok(html.includes(`id="${(labelled as RegExpExecArray)[1]}"`), `label element for ${m[0]}`);
  }
  assert.match(html, /<vscode-radio-group id="mode"[^>]*>\s*<label slot="label">Mode<\/label>/);
});

test('the initial state is escaped JSON data that round-trips, and cannot close its attribute', () => {
  const hostile = { ...defaultFormState(), mac: `"><script>alert(1)</script>`, id: `'&<>` };
  const html = composerHtml({ ...input, state: hostile });
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  const content = /<meta name="kvmnet-composer-state" content="([^"]*)">/.exec(html)![1]!;
  const decoded = content.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.deepEqual(parseFormState(JSON.parse(decoded), 'state'), hostile);
});

test('a nonce that is not alphanumeric is refused', () => {
  assert.throws(() => composerHtml({ ...input, nonce: `x' 'unsafe-inline`, state: defaultFormState() }), /alphanumeric/);
});
