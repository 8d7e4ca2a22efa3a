// Views: the activity bar, side-bar panes, tree rows (read, expand, context menus, inline and title actions).
import type { Locator } from 'playwright-core';
import { Diagnosing } from './diagnostics';
import { cssString, escapeRegExp, normalizeSpace, waitUntil, type DomElement } from './session';

export interface TreeItem {
  label: string;
  description: string;
  /** 1 for roots. */
  depth: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  /** The row's tooltip/aria label (label, description and more, as VS Code announces it). */
  ariaLabel: string;
}

/** The real editor the E2E tests drive: every layer (session, text, commands, diagnostics, views). */
export class Editor extends Diagnosing {
  /** Opens a view container from the activity bar by its title (e.g. "KVM Networking"). */
  async openViewContainer(title: string): Promise<void> {
    const li = this.page.locator('.activitybar .action-item', { has: this.page.locator(`a[aria-label^="${cssString(title)}"]`) }).first();
    await li.waitFor();
    if ((await li.getAttribute('class'))?.includes('checked') !== true) {
      await li.locator('a').first().click();
      // Off the activity bar, so its tooltip does not linger in screenshots.
      await this.page.mouse.move(700, 400);
      await this.page.keyboard.press('Escape');
    }
    await this.page.locator(`.sidebar .composite.title h2`, { hasText: title }).first().waitFor();
  }

  /** The pane of a view in the side bar by its title (e.g. "Devices"); expands it when collapsed. */
  async view(viewTitle: string): Promise<Locator> {
    const pane = this.page.locator('.sidebar .pane', {
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(viewTitle)}$`, 'i') }),
    }).first();
    await pane.waitFor();
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await pane.locator('.pane-body').waitFor();
    return pane;
  }

  /** The rows a tree view currently renders, top to bottom (waits until it shows at least one). */
  async treeItems(viewTitle: string): Promise<TreeItem[]> {
    const pane = await this.view(viewTitle);
    const rows = pane.locator('.pane-body .monaco-list-row');
    await rows.first().waitFor();
    // One DOM read of all rows: optional parts (description, twistie) must not cost a wait each.
    const items = await rows.evaluateAll((nodes) =>
      (nodes as unknown as DomElement[]).map((el) => {
        const text = (sel: string): string => (el.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        const expanded = el.getAttribute('aria-expanded');
        return {
          index: Number(el.getAttribute('data-index') ?? '0'),
          label: text('.label-name'),
          description: text('.label-description'),
          depth: Number(el.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
          ariaLabel: el.getAttribute('aria-label') ?? '',
        };
      }),
    );
    return items.sort((a, b) => a.index - b.index).map(({ index: _index, ...item }) => item);
  }

  /** Waits until a tree view shows an item with this label and returns its row. */
  async treeItem(viewTitle: string, label: string | RegExp): Promise<Locator> {
    const pane = await this.view(viewTitle);
    const row = pane
      .locator('.pane-body .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label }) })
      .first();
    await this.revealRow(pane, row, `tree item ${String(label)} in ${viewTitle}`);
    return row;
  }

  /**
   * Waits until the pane renders this row. A pane renders only the rows that fit its height (a side bar shared
   * by several views can leave one a row or two), so while waiting it scrolls the list a step at a time, down
   * to the end and back up, with wheel events sent to the list itself (no pointer move, so no tooltips).
   */
  private async revealRow(pane: Locator, row: Locator, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let down = true;
    for (;;) {
      try {
        await row.waitFor({ timeout: 1_000 });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`${what} was not rendered in ${timeoutMs / 1000} s (the pane scrolled through its rows)`, { cause: e });
      }
      const moved = await pane.evaluate(async (node, deltaY) => {
        const el = node as unknown as DomElement & { dispatchEvent(e: unknown): boolean };
        const first = () => el.querySelector('.pane-body .monaco-list-row')?.getAttribute('data-index') ?? '';
        const scroller = el.querySelector('.pane-body .monaco-list .monaco-scrollable-element') as (DomElement & { dispatchEvent(e: unknown): boolean }) | null;
        if (!scroller) return true; // no list yet: keep waiting
        const before = first();
        const W = (globalThis as unknown as { WheelEvent: new (t: string, i: object) => unknown }).WheelEvent;
        scroller.dispatchEvent(new W('wheel', { deltaY, deltaMode: 0, bubbles: true, cancelable: true }));
        await new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(undefined)));
        return first() !== before;
      }, down ? 60 : -60);
      if (!moved) down = !down; // at the end (or the top): turn around
    }
  }

  /**
   * Expands a tree item (no-op when already expanded) and waits until its children rendered. An item whose
   * children are empty keeps its twistie in VS Code, so with `{ waitForChildren: false }` it only expands.
   */
  async expandTreeItem(viewTitle: string, label: string | RegExp, { waitForChildren = true } = {}): Promise<void> {
    const pane = await this.view(viewTitle);
    const row = await this.treeItem(viewTitle, label);
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await waitUntil(async () => (await row.getAttribute('aria-expanded')) === 'true', `tree item ${String(label)} to expand`);
    }
    if (!waitForChildren) return;
    // Children come from the extension asynchronously: done when the twistie stopped loading and either a
    // row one level deeper follows or the item turned out to have no children (no longer collapsible).
    // The row's index is re-read each time: a refresh elsewhere in the tree shifts it.
    await waitUntil(
      async () => {
        if ((await row.getAttribute('aria-expanded')) === 'false') {
          await row.locator('.monaco-tl-twistie').click(); // a refresh re-created the item collapsed
          return false;
        }
        const at = { index: Number(await row.getAttribute('data-index')), level: Number((await row.getAttribute('aria-level')) ?? '1') };
        return pane.evaluate(
          (node, { index, level }) => {
            const el = node as unknown as DomElement;
            const self = el.querySelector(`.pane-body .monaco-list-row[data-index="${index}"]`);
            if (self?.getAttribute('aria-expanded') !== 'true') return false;
            const twistie = self.querySelector('.monaco-tl-twistie')?.className ?? '';
            if (twistie.includes('loading')) return false;
            const next = el.querySelector(`.pane-body .monaco-list-row[data-index="${index + 1}"]`);
            return Number(next?.getAttribute('aria-level') ?? '0') > level || !twistie.includes('collapsible');
          },
          at,
        );
      },
      `the children of tree item ${String(label)}`,
    );
  }

  /** Right-clicks a tree item and invokes an action of its context menu by title. */
  async contextMenu(viewTitle: string, itemLabel: string | RegExp, actionTitle: string | RegExp): Promise<void> {
    await this.contextMenuOn(await this.treeItem(viewTitle, itemLabel), actionTitle);
  }

  /** The titles of a tree item's context menu (the menu is closed again). */
  async contextMenuTitles(viewTitle: string, itemLabel: string | RegExp): Promise<string[]> {
    return this.contextMenuTitlesOn(await this.treeItem(viewTitle, itemLabel));
  }

  /** The titles of any element's context menu (tree row, tab, editor line); the menu is closed again. */
  async contextMenuTitlesOn(target: Locator): Promise<string[]> {
    const row = target;
    await this.rightClick(row);
    const items = this.page.locator('.monaco-menu .action-item a.action-menu-item:visible .action-label');
    await items.first().waitFor();
    const titles = (await items.allInnerTexts()).map(normalizeSpace).filter((t) => t !== '');
    await this.page.keyboard.press('Escape');
    await items.first().waitFor({ state: 'detached' });
    return titles;
  }

  /**
   * Right-clicks any element (tree row, tab, editor) and invokes a context-menu action by title. The item is
   * focused by hovering and run with Enter: a mouse click on a freshly opened menu is sometimes dropped.
   */
  async contextMenuOn(target: Locator, actionTitle: string | RegExp): Promise<void> {
    await this.rightClick(target);
    // The web workbench renders menus in a shadow root; playwright's CSS engine pierces it.
    const item = this.page
      .locator('.monaco-menu li.action-item:visible')
      .filter({
        has: this.page.locator('a.action-menu-item .action-label', {
          hasText: typeof actionTitle === 'string' ? new RegExp(`^${escapeRegExp(actionTitle)}$`) : actionTitle,
        }),
      })
      .first();
    await item.waitFor();
    await waitUntil(async () => {
      await item.hover();
      return /\bfocused\b/.test((await item.getAttribute('class')) ?? '');
    }, `context-menu item ${String(actionTitle)} to take focus`);
    await this.page.keyboard.press('Enter');
    await item.waitFor({ state: 'hidden' });
  }

  /** Right-clicks after closing any tooltip; a tooltip that appears in between makes it dismiss and try again. */
  private async rightClick(target: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.dismissHover();
      try {
        await target.click({ button: 'right', timeout: 5_000 });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  /** A tooltip left open by the last hover would take the next right-click: move away until it closes. */
  private async dismissHover(): Promise<void> {
    // A tree row's tooltip renders in a context view; it can appear late, after the pointer rested on a row.
    const hover = this.page.locator('.workbench-hover:visible, .monaco-hover:visible, .context-view.monaco-component:visible').first();
    if ((await hover.count()) === 0) return;
    await this.page.mouse.move(900, 300);
    await this.page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /** Clicks an inline (hover) action of a tree item, by its title (tooltip). */
  async inlineAction(viewTitle: string, itemLabel: string | RegExp, actionTitle: string): Promise<void> {
    const row = await this.treeItem(viewTitle, itemLabel);
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${cssString(actionTitle)}"]`).first().click();
  }

  /** Clicks a view's title-bar action (e.g. "Refresh Devices"). */
  async viewTitleAction(viewTitle: string, actionTitle: string): Promise<void> {
    const pane = await this.view(viewTitle);
    await pane.locator('.pane-header').hover();
    await pane.locator(`.pane-header .actions .action-label[aria-label^="${cssString(actionTitle)}"]`).first().click();
  }
}
