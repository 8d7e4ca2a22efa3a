import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { checkComposed } from '../../core/composer/check';
import { compose, virtualFunctions } from '../../core/composer/compose';
import { composerHtml } from '../../core/composer/html';
import { parseWebviewMessage, type Choices, type HostMessage, type WebviewRequest } from '../../core/composer/protocol';
import type { FormState } from '../../core/composer/state';
import type { HostSnapshot } from '../../core/hostSnapshot';
import { deviceTitle } from '../../core/pci/tree';
import { NIC_MODELS } from '../../core/qemu/generate';
import { Config } from '../config';
import type { Log } from '../log';
import { insertXml, writeScript, type EditorTracker } from './actions';
import { attachComposed, passedThrough } from './attach';

export const VIEW_TYPE = 'kvmnet.composer';

/** Where the composer's choices come from: the host a device was picked on, if any. */
export interface HostContext {
  readonly label?: string;
  readonly snapshot?: HostSnapshot;
}

export function choicesFor(host: HostContext): Choices {
  const s = host.snapshot;
  const vfs = virtualFunctions(s).map((d) => {
    const pf = s?.devices.find((p) => p.bdf === d.physfn);
    const index = pf?.virtfns?.indexOf(d.bdf) ?? -1;
    const pfName = pf ? `${pf.bdf}${pf.netdevs?.[0] ? ` (${pf.netdevs[0]})` : ''}` : String(d.physfn);
    return { bdf: d.bdf, label: `${d.bdf} · VF ${index >= 0 ? index : '?'} of ${pfName} · ${d.driver ?? 'no driver'} · ${deviceTitle(d)}`.slice(0, 250) };
  });
  return { models: [...NIC_MODELS], vfs, ...(host.label ? { host: host.label } : {}) };
}

/** One composer panel: renders, answers the webview's requests, and runs its actions. */
export class ComposerPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  /** A prefill the webview has not confirmed yet (a hidden webview drops messages; it reloads on reveal). */
  private prefillPending = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private state: FormState,
    private host: HostContext,
    private readonly extensionUri: vscode.Uri,
    private readonly editors: EditorTracker,
    private readonly log: Log,
    private readonly onState: (state: FormState) => void,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = this.html();
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => {
        this.disposed = true;
        onDispose();
        this.dispose();
      }),
    );
  }

  /** A new device was picked while the panel is open: the form takes it over. */
  prefill(state: FormState, host: HostContext): void {
    this.state = state;
    this.host = host;
    this.prefillPending = true;
    this.onState(state);
    this.post({ type: 'prefill', state, choices: choicesFor(host) });
    this.panel.reveal();
  }

  private html(): string {
    const webview = this.panel.webview;
    return composerHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'composer.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'composer', 'composer.css')).toString(),
      state: this.state,
    });
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`composer: ignored a malformed webview message: ${parsed.error}`);
      return;
    }
    this.handle(parsed.message).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`composer: ${message}`);
      this.post({ type: 'done', replyTo: parsed.message.id, ok: false, message });
    });
  }

  private async handle(m: WebviewRequest): Promise<void> {
    if (m.type === 'ready') {
      this.post({ type: 'init', replyTo: m.id, state: this.state, choices: choicesFor(this.host), override: this.prefillPending });
      return;
    }
    // The webview reports its form after every change, a prefill included: from here on its state is current.
    this.prefillPending = false;
    this.state = m.state;
    this.onState(m.state);
    const result = compose(m.state, { snapshot: this.host.snapshot });
    const done = (ok: boolean, message: string): void => this.post({ type: 'done', replyTo: m.id, ok, message });
    const refused = result.errors.length > 0 ? `Fix the marked fields first: ${result.errors.map((e) => e.message).join('; ')}` : undefined;
    switch (m.type) {
      case 'update': {
        // The same checkers as the editor's diagnostics: libvirt schema + rules, the launch-script linter.
        const schemaDir = Config.current().schemaPath;
        const checked = await checkComposed(result, schemaDir ? { schemaDir } : {});
        const errors = [...result.errors, ...checked.errors];
        this.post({ type: 'preview', replyTo: m.id, preview: { xml: result.xml, qemuText: result.qemuText, errors, note: result.note, notes: [...result.notes, ...checked.notes] } });
        return;
      }
      case 'copy':
        if (refused) return done(false, refused);
        await vscode.env.clipboard.writeText(m.what === 'xml' ? result.xml : result.qemuText);
        return done(true, m.what === 'xml' ? 'Copied the libvirt XML.' : 'Copied the QEMU arguments (with the host steps).');
      case 'insertXml':
        if (refused) return done(false, refused);
        return done(...(await insertXml(this.editors, result.xml)));
      case 'writeScript':
        if (refused || !result.spec) return done(false, refused ?? 'Nothing to write.');
        return done(...(await writeScript(this.editors, result.spec)));
      case 'attachToGuest':
        if (refused) return done(false, refused);
        return done(...(await attachComposed(result.xml, passedThrough(m.state), this.host.label, this.log)));
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    if (!this.disposed) this.panel.dispose();
  }
}
