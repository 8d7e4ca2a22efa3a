/**
 * Real-editor harness: the built extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3),
 * driven through Debian's Chromium with playwright-core. One editor per test file:
 *
 *   let ed: Editor;
 *   before(async () => { ed = await startEditor({ name: 'xml-lint', workspaceFiles: { 'bad.xml': '...' } }); });
 *   after(() => ed?.close());
 *   test('...', async () => { await ed.openFile('bad.xml'); await ed.waitForSquiggle('error'); ... });
 *
 * The Editor is built in layers, one concern each (test/e2e/editor/): session (start, close, logs, probes),
 * text, commands, diagnostics, views.
 *
 * Helpers: openFile, editorText/typeText/insertText/goToLine/save, runCommand/paletteCommands,
 * startCommand/answerQuickInput/quickPickRows (commands that ask), codeLensTitles/clickCodeLens,
 * notificationAction, waitForDialog/answerDialog (modal confirmations),
 * notifications/waitForNotification/statusBarTexts, waitForSquiggle/readDiagnostics/waitForDiagnostic/quickFix (the Problems panel, as a person sees it),
 * findings/waitForFinding (the extension's diagnostics probe: text and range only),
 * openViewContainer/view/treeItems/treeItem/expandTreeItem/contextMenu/contextMenuTitles(On)/inlineAction/
 * viewTitleAction, clipboardText/waitForClipboard, updateSettings, extensionLog/waitForExtensionLog,
 * screenshot(name) → test-results/NAME.png; `page` is the playwright Page for anything else.
 *
 * Every wait is on a DOM condition or a file, never a fixed sleep. Logs (code-server, extension host, the
 * "KVM Networking" output channel, the browser console) and a final screenshot land in
 * test-results/NAME-logs/ for failed runs. Monaco renders spaces as U+00A0: match editor DOM text with \s.
 */
import { CHROMIUM, CHROMIUM_ARGS, EXTENSION_ID } from '../../scripts/setup-code-server.mjs';
import type { EditorOptions } from './editor/session';
import { Editor } from './editor/views';

export { CHROMIUM, CHROMIUM_ARGS, EXTENSION_ID };
export { codeServerCli, repoRoot, resultsDir, waitUntil, type EditorOptions, type ProbeName } from './editor/session';
export type { DiagnosticSeverity, ProblemEntry } from './editor/diagnostics';
export { Editor, type TreeItem } from './editor/views';

/** Starts code-server with the extension and a fixture workspace; see EditorOptions. Always `close()` it. */
export function startEditor(opts: EditorOptions = {}): Promise<Editor> {
  return Editor.start(opts);
}
