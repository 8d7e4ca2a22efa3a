// Commands that ask (quick picks, input boxes), code lenses, notifications, modal dialogs, the palette, the status bar.
import { escapeRegExp, normalizeSpace, waitUntil, type DomElement } from './session';
import { TextEditing } from './text';

export class Commanding extends TextEditing {
  /**
   * Waits for the quick pick / input box whose title matches, optionally fills its input (a quick pick filters
   * on it), and accepts with Enter (the first matching row of a quick pick).
   */
  async answerQuickInput(title: RegExp | string, text?: string): Promise<void> {
    const titled = this.page.locator('.quick-input-widget .quick-input-title', { hasText: title });
    await titled.waitFor();
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    if (text !== undefined) {
      await input.fill(text);
      await waitUntil(async () => (await input.inputValue()) === text, `the quick input to hold ${JSON.stringify(text)}`);
    }
    await this.page.keyboard.press('Enter');
    if (text === undefined) return;
    // An Enter that lands while the widget is still settling is dropped: the same input then still shows the
    // same text with no validation error. Press once more in that case only (a next step has another value).
    const settled = await titled.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false);
    if (settled) return;
    const stillSame = (await input.inputValue().catch(() => '')) === text;
    const invalid = await this.page.locator('.quick-input-widget .quick-input-box .monaco-inputbox.error, .quick-input-widget .quick-input-box .monaco-inputbox.warning').count();
    if (stillSame && invalid === 0 && (await titled.isVisible())) await this.page.keyboard.press('Enter');
  }

  /** The rows a quick pick with this title offers, top to bottom: "LABEL" or "LABEL DESCRIPTION". */
  async quickPickRows(title: RegExp | string): Promise<string[]> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const texts = await rows.evaluateAll((nodes) =>
      (nodes as unknown as DomElement[]).map((el) => ({
        index: Number(el.getAttribute('data-index') ?? '0'),
        text: [el.querySelector('.label-name')?.textContent ?? '', el.querySelector('.label-description')?.textContent ?? '']
          .map((t) => t.replace(/\s+/g, ' ').trim())
          .filter((t) => t !== '')
          .join(' '),
      })),
    );
    return texts.sort((a, b) => a.index - b.index).map((r) => r.text);
  }

  /** The titles of the code lenses the active editor shows (waits until there is at least one). */
  async codeLensTitles(): Promise<string[]> {
    const links = this.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a');
    await links.first().waitFor();
    return (await links.allInnerTexts()).map(normalizeSpace);
  }

  /** Clicks a code lens of the active editor by its title; `nth` picks among lenses with the same title. */
  async clickCodeLens(title: string | RegExp, nth = 0): Promise<void> {
    const link = this.page
      .locator('.editor-group-container.active .monaco-editor .codelens-decoration a')
      .filter({ hasText: typeof title === 'string' ? new RegExp(`^${escapeRegExp(title)}$`) : title })
      .nth(nth);
    await link.waitFor();
    await link.click();
  }

  /** Clicks a button (e.g. "Insert…") of the notification toast whose message matches. */
  async notificationAction(match: RegExp | string, button: string): Promise<void> {
    const toast = this.page.locator('.notification-toast', {
      has: this.page.locator('.notification-list-item-message', { hasText: match }),
    }).first();
    await toast.waitFor();
    await toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) }).first().click();
  }

  /** Waits for a modal dialog (e.g. a confirmation) and returns its text: message, detail and buttons, line breaks kept. */
  async waitForDialog(): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.waitFor();
    return (await dialog.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Clicks a button of the open modal dialog by its label and waits until the dialog closed. */
  async answerDialog(button: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box').first();
    await dialog.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) }).first().click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** The commands the palette offers for a filter text (titles as shown). */
  async paletteCommands(filter: string): Promise<string[]> {
    await this.quickInput('F1', filter, '>');
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    const titles = await this.page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    return titles.map(normalizeSpace);
  }

  /** Texts of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    const texts = await this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    return texts.map(normalizeSpace);
  }

  /** Waits for a toast whose text matches and returns that text. */
  async waitForNotification(match: RegExp | string): Promise<string> {
    const toast = this.page.locator('.notification-toast .notification-list-item-message', { hasText: match }).first();
    await toast.waitFor();
    return normalizeSpace(await toast.innerText());
  }

  /** Texts of the status bar entries. */
  async statusBarTexts(): Promise<string[]> {
    const texts = await this.page.locator('.statusbar .statusbar-item').allInnerTexts();
    return texts.map(normalizeSpace).filter((t) => t !== '');
  }
}
