// A stand-in for the `vscode` module so the bundle can be required outside the editor (bench only).
// It has one property per name that @types/vscode exports (esbuild's ESM interop copies own properties),
// and each is a proxy that is again every property, callable and constructible, so module-level code
// such as `vscode.DiagnosticSeverity.Error` or `new vscode.EventEmitter()` evaluates without an editor.
'use strict';
const fs = require('node:fs');

function make() {
  return new Proxy(function vscodeStub() {}, {
    get: (_t, prop) => (prop === Symbol.toPrimitive ? () => 0 : prop === 'then' ? undefined : any),
    apply: () => any,
    construct: () => any,
  });
}
const any = make();

const types = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const names = new Set(Array.from(types.matchAll(/^\s*export (?:declare )?(?:class|enum|namespace|function|const|let|var) (\w+)/gm), (m) => m[1]));
for (const name of names) exports[name] = any;
