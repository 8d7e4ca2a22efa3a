// Files and text of the active editor: open, read, type, paste, go to a line, save; user settings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeSpace, Session, waitUntil } from './session';

export class TextEditing extends Session {
  /** Opens a workspace file by name through Quick Open (Ctrl+P) and waits until its tab is active. */
  async openFile(relPath: string): Promise<void> {
    const base = path.basename(relPath);
    await this.quickInput('Control+P', relPath);
    // Enter opens the focused row: wait until that is the file (a file opened before is listed under "recently
    // opened" before the filter applies, so any row naming it would be seen too early).
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: base }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${base}"]`).waitFor();
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /** The browser clipboard's text (the harness grants clipboard access). */
  async clipboardText(): Promise<string> {
    return String(await this.page.evaluate('navigator.clipboard.readText()'));
  }

  /** Waits until the clipboard text matches and returns it. */
  async waitForClipboard(match: RegExp): Promise<string> {
    let text = '';
    await waitUntil(async () => match.test((text = await this.clipboardText())), `the clipboard to match ${match} (had ${JSON.stringify(text)})`);
    return text;
  }

  /** The active editor's whole text (select all + copy; afterwards the cursor is at the end, no selection). */
  async editorText(): Promise<string> {
    await this.focusEditor();
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    // Copying an empty selection copies "the current line": an empty document is answered from the DOM. One
    // rendered empty line is an empty document only if it is line 1: an editor scrolled to its last (empty)
    // line renders just that one too.
    if ((await lines.count()) === 1 && normalizeSpace(await lines.first().innerText()) === '') {
      const numbers = (await this.page.locator('.editor-group-container.active .monaco-editor .margin-view-overlays .line-numbers').allInnerTexts()).map(normalizeSpace);
      if (numbers.length === 0 || (numbers.length === 1 && numbers[0] === '1')) return '';
    }
    await this.page.evaluate("navigator.clipboard.writeText('\\u0000')");
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    await this.page.keyboard.press('Escape');
    let text = '\u0000';
    await waitUntil(async () => {
      text = await this.clipboardText();
      return text !== '\u0000';
    }, 'the editor text to reach the clipboard');
    return text;
  }

  /** Types like a user, key by key (auto-closing and auto-indent apply) at the cursor of the active editor. */
  async typeText(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.type(text);
  }

  /**
   * Inserts text verbatim at the cursor, replacing the selection: pasted through the clipboard, so no
   * auto-closing or auto-indent applies (multi-line fixtures stay as written). Overwrites the clipboard.
   */
  async insertText(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
    const before = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText();
    await this.page.keyboard.press('Control+V');
    if (text !== '') {
      await waitUntil(
        async () => (await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()) !== before,
        'the pasted text to render',
      );
    }
  }

  /**
   * Accepts the completion whose row matches `label` for the word before the cursor. Suggestions typed in
   * are closed and asked for again (Ctrl+Space) so the list is computed once for the whole word: a list still
   * refiltering for the last keys typed resets its focus to the first row (Emmet's abbreviation), and Enter
   * would accept that. Before Enter the focused row must be ours; `before` runs then (a screenshot).
   */
  async acceptCompletion(label: RegExp, before?: () => Promise<unknown>): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Escape');
    await this.page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' });
    await this.page.keyboard.press('Control+Space');
    await this.page.locator('.suggest-widget .monaco-list-row').filter({ hasText: label }).first().waitFor();
    const focused = this.page.locator('.suggest-widget .monaco-list-row.focused');
    for (let i = 0; i < 20 && !label.test(await focused.innerText()); i++) await this.page.keyboard.press('ArrowDown');
    const text = await focused.innerText();
    if (!label.test(text)) throw new Error(`no completion row matching ${label} could be focused (focused: ${JSON.stringify(text)})`);
    await before?.();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' });
  }

  /** Moves the cursor to a 1-based line and column with "Go to Line" (Ctrl+G). */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.quickInput('Control+G', `${line}:${column}`, ':');
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  async save(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
  }

  /**
   * Merges settings into the User settings and applies them through the editor (Preferences: Open User
   * Settings (JSON), replace, save): VS Code does not notice a write to the file behind its back here.
   * Leaves settings.json as the active editor.
   */
  async updateSettings(settings: Record<string, unknown>): Promise<void> {
    const file = path.join(this.userDataDir, 'User', 'settings.json');
    const merged = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...settings };
    await this.runCommand('Preferences: Open User Settings (JSON)');
    await this.page.locator('.tabs-container .tab.active[data-resource-name="settings.json"]').waitFor();
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
    await this.insertText(JSON.stringify(merged, null, 2));
    await this.save();
    await waitUntil(() => {
      const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return Object.entries(settings).every(([k, v]) => JSON.stringify(now[k]) === JSON.stringify(v));
    }, 'settings.json to be saved');
  }
}
