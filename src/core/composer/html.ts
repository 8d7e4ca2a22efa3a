import { DIRECT_MODES, type FormState } from './state';

/**
 * The composer webview's document. Strict CSP: nothing but the extension's own files (styles, fonts) and the
 * one script carrying this load's nonce; no inline script or style. The initial form state travels as
 * HTML-escaped JSON in a <meta> attribute (data, never code). Every field has a visible label.
 */
export interface ComposerHtmlInput {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Fresh per render, [A-Za-z0-9]. */
  readonly nonce: string;
  readonly state: FormState;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function composerCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

const text = (id: string, label: string, extra = ''): string => `<vscode-text-field id="${id}" data-field="${id.replace(/-/g, '.')}"${extra}>${label}</vscode-text-field>`;
const check = (id: string, label: string): string => `<vscode-checkbox id="${id}" data-field="${id.replace(/-/g, '.')}">${label}</vscode-checkbox>`;
const dropdown = (id: string, label: string, options = ''): string =>
  `<div class="field"><label id="${id}-label" for="${id}">${label}</label><vscode-dropdown id="${id}" data-field="${id.replace(/-/g, '.')}" aria-labelledby="${id}-label">${options}</vscode-dropdown></div>`;

export function composerHtml(input: ComposerHtmlInput): string {
  const { cspSource, scriptUri, styleUri, nonce, state } = input;
  if (!/^[A-Za-z0-9]+$/.test(nonce)) throw new Error('composer: the nonce must be alphanumeric');
  const directOptions = DIRECT_MODES.map((m) => `<vscode-option value="${m}">${m}</vscode-option>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(composerCsp(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="kvmnet-composer-state" content="${escapeHtml(JSON.stringify(state))}">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>Compose Network Device</title>
</head>
<body>
<main>
<h1>Compose network device</h1>
<div class="columns">
<form id="form" aria-label="Network device" novalidate>
  <vscode-radio-group id="mode" data-field="mode" orientation="vertical">
    <label slot="label">Mode</label>
    <vscode-radio value="user">User mode (NAT, port forwards)</vscode-radio>
    <vscode-radio value="bridge">Bridge (tap on a host bridge)</vscode-radio>
    <vscode-radio value="macvtap">macvtap (direct on a host interface)</vscode-radio>
    <vscode-radio value="pci">PCI passthrough (vfio-pci)</vscode-radio>
    <vscode-radio value="sriov">SR-IOV virtual function</vscode-radio>
  </vscode-radio-group>
  <div id="form-errors" role="alert"></div>
  <div class="row" id="model-row">${dropdown('model', 'NIC model')}</div>
  <div class="row" id="mac-row">${text('mac', 'MAC address', ' placeholder="empty: a stable 52:54:00 address"')}<vscode-button id="generate-mac" appearance="secondary">Generate MAC</vscode-button></div>
  <div class="row">${text('id', 'QEMU id')}</div>
  <fieldset data-modes="user">
    <legend>Port forwards (host → guest)</legend>
    <div id="forwards"></div>
    <p id="forwards-empty">No port forwards: the guest is reachable from nowhere.</p>
    <div class="row"><vscode-button id="add-forward" appearance="secondary">Add port forward</vscode-button></div>
    ${check('user-restrict', 'Restrict: no way out of the guest (QEMU only)')}
  </fieldset>
  <fieldset data-modes="bridge">
    <legend>Bridge</legend>
    <div class="row">${text('bridge-bridge', 'Host bridge')}${text('bridge-tap', 'Tap name', ' placeholder="empty: chosen for you"')}</div>
    ${check('bridge-vhost', 'vhost-net (kernel data path, virtio only)')}
  </fieldset>
  <fieldset data-modes="macvtap">
    <legend>macvtap</legend>
    <div class="row">${text('macvtap-link', 'Host interface')}${dropdown('macvtap-mode', 'macvtap mode', directOptions)}</div>
    ${check('macvtap-vhost', 'vhost-net (kernel data path, virtio only)')}
  </fieldset>
  <fieldset data-modes="pci">
    <legend>PCI passthrough</legend>
    <div class="row">${text('pci-bdf', 'PCI address (BDF)', ' placeholder="0000:03:00.0"')}</div>
  </fieldset>
  <fieldset data-modes="sriov">
    <legend id="sriov-host">Virtual functions</legend>
    <div class="row">${dropdown('sriov-pick', 'Discovered VF')}</div>
    <div class="row">${text('sriov-vf', 'VF PCI address (BDF)', ' placeholder="0000:3b:02.0"')}${text('sriov-vlan', 'VLAN tag', ' placeholder="none"')}</div>
  </fieldset>
</form>
<aside aria-labelledby="note-title">
  <h2 id="note-title"></h2>
  <dl>
    <dt>Reachability</dt><dd id="note-reach"></dd>
    <dt>Performance</dt><dd id="note-perf"></dd>
    <dt>Privileges</dt><dd id="note-priv"></dd>
  </dl>
  <ul id="notes"></ul>
</aside>
</div>
<div class="previews">
  <section><h2 id="xml-heading">libvirt XML</h2><pre id="xml" data-field="xml" tabindex="0" aria-labelledby="xml-heading" aria-live="polite"></pre></section>
  <section><h2 id="qemu-heading">QEMU arguments</h2><pre id="qemu" data-field="qemu" tabindex="0" aria-labelledby="qemu-heading" aria-live="polite"></pre></section>
</div>
<div class="actions">
  <vscode-button id="insert-xml">Insert XML into Editor</vscode-button>
  <vscode-button id="write-script">Write into Launch Script</vscode-button>
  <vscode-button id="attach-guest" appearance="secondary">Attach to Guest…</vscode-button>
  <vscode-button id="copy-xml" appearance="secondary">Copy XML</vscode-button>
  <vscode-button id="copy-qemu" appearance="secondary">Copy QEMU Arguments</vscode-button>
</div>
<p id="status" role="status" aria-live="polite"></p>
</main>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
