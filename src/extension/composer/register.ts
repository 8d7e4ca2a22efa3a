import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
import { virtualFunctions } from '../../core/composer/compose';
import { parseFormState } from '../../core/composer/protocol';
import { defaultFormState, type FormState } from '../../core/composer/state';
import type { Bdf } from '../../core/pci/bdf';
import { Config } from '../config';
import { isDeviceNode } from '../devices/tree';
import { configuredHosts, hostSnapshots } from '../hosts';
import type { Log } from '../log';
import { EditorTracker } from './actions';
import { ComposerPanel, VIEW_TYPE, type HostContext } from './panel';
import { Commands } from '../commands';

const EXTENSION_ID = 'kvmnet.kvm-networking';

/** The PCI function of a Devices-view row the composer was opened on (its context menu), with its host. */
function deviceOf(node: unknown): { bdf: Bdf; isVf: boolean; host: HostContext } | undefined {
  if (!isDeviceNode(node)) return undefined;
  const { device, host, snapshot } = node;
  return { bdf: device.bdf, isVf: device.physfn !== undefined, host: { ...(host.label ? { label: host.label } : {}), snapshot } };
}

/** From the palette: the first discovered host that has VFs (the demo host is discovered on demand: it is local). */
async function paletteHost(): Promise<HostContext> {
  const hosts = configuredHosts(Config.current());
  const done: HostContext[] = [];
  for (const h of hosts) {
    let s = hostSnapshots.peek(h.id);
    if (!s && h.spec?.kind === 'demo') {
      await hostSnapshots.get(h).catch(() => undefined);
      s = hostSnapshots.peek(h.id);
    }
    if (s?.state === 'done') done.push({ label: h.label, snapshot: s.snapshot });
  }
  return done.find((c) => virtualFunctions(c.snapshot).length > 0) ?? done[0] ?? {};
}

/** "Compose Network Device…": the palette command, the Devices context-menu entry and the reload serializer. */
export function registerComposer(log: Log): vscode.Disposable {
  const editors = new EditorTracker();
  let last: FormState = defaultFormState();
  let current: ComposerPanel | undefined;
  const extensionUri = (): vscode.Uri => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    if (!ext) throw new Error(`composer: extension ${EXTENSION_ID} not found`);
    return ext.extensionUri;
  };
  const open = (panel: vscode.WebviewPanel, state: FormState, host: HostContext): ComposerPanel => {
    current?.dispose();
    const p: ComposerPanel = new ComposerPanel(panel, state, host, extensionUri(), editors, log, (s) => (last = s), () => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  };

  return vscode.Disposable.from(
    editors,
    { dispose: () => current?.dispose() },
    registerGuarded(log, Commands.composer.open, 'Compose Network Device', async (node?: unknown) => {
      const device = deviceOf(node);
      const host = device?.host ?? (await paletteHost());
      const state: FormState = device
        ? device.isVf
          ? { ...last, mode: 'sriov', sriov: { ...last.sriov, vf: device.bdf } }
          : { ...last, mode: 'pci', pci: { bdf: device.bdf } }
        : last;
      if (current) {
        if (device) current.prefill(state, host);
        else current.panel.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Compose Network Device', vscode.ViewColumn.Beside, { enableScripts: true });
      open(panel, state, host);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
        let state = last;
        try {
          state = parseFormState((saved as { state?: unknown } | undefined)?.state, 'state');
        } catch (e) {
          log.warn(`composer: saved state not restored (${e instanceof Error ? e.message : String(e)})`);
        }
        last = state;
        open(panel, state, await paletteHost());
      },
    }),
  );
}
