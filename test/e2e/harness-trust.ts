import { startEditor, waitUntil, type Editor, type EditorOptions } from './harness';

/**
 * An editor whose workspace folder is untrusted (Restricted Mode). The harness starts code-server with
 * --disable-workspace-trust, which wins over the `security.workspace.trust.enabled` setting: the server only passes
 * it to the workbench as `enableWorkspaceTrust: false` in the page's configuration. So the page is reloaded with that
 * one value turned back on before the workbench reads it; trust is then enabled, never prompted for, and the
 * folder stays untrusted. The extension host starts afresh with the reload and sees `isTrusted === false`.
 */
export async function startUntrustedEditor(opts: EditorOptions): Promise<Editor> {
  const ed = await startEditor({
    ...opts,
    settings: { ...opts.settings, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
  });
  try {
    await ed.page.addInitScript(() => {
      const getAttribute = Element.prototype.getAttribute;
      Element.prototype.getAttribute = function (this: Element, name: string): string | null {
        const value = getAttribute.call(this, name);
        if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || value === null) return value;
        return value.replace('"enableWorkspaceTrust":false', '"enableWorkspaceTrust":true');
      };
    });
    await ed.page.reload();
    await ed.page.locator('.monaco-workbench').waitFor();
    await ed.page.locator('.activitybar').waitFor();
    await waitUntil(async () => (await ed.statusBarTexts()).includes('Restricted Mode'), 'the status bar to show Restricted Mode');
    return ed;
  } catch (e) {
    await ed.close();
    throw e;
  }
}
