/**
 * The composer webview. Holds the form, asks the extension for a preview on every change (request/reply with
 * ids; only the newest preview is shown), shows each error on its field, and keeps the form in the webview state
 * so hiding, reopening and a window reload lose nothing. Untrusted on the extension's side, and it checks the
 * extension's messages too (parseHostMessage).
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { randomMac } from '../../core/composer/mac';
import { parseFormState, parseHostMessage, type Choices, type HostMessage, type Preview, type WebviewRequest } from '../../core/composer/protocol';
import { defaultFormState, usesMac, usesModel, type ComposerMode, type FormState, type PortForward } from '../../core/composer/state';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeRadio(), vsCodeRadioGroup(), vsCodeTextField());

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

// ---- state -----------------------------------------------------------------------------------------------

function initialState(): FormState {
  const saved = (vscode.getState() as { state?: unknown } | undefined)?.state;
  for (const candidate of [saved, embedded()]) {
    if (candidate === undefined) continue;
    try {
      return parseFormState(candidate, 'state');
    } catch {
      // stale or foreign state: fall through to the next source
    }
  }
  return defaultFormState();
}

function embedded(): unknown {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="kvmnet-composer-state"]');
  try {
    return meta ? (JSON.parse(meta.content) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

let state: FormState = initialState();
let choices: Choices = { models: [state.model], vfs: [] };
let nextId = 1;
let latestUpdate = 0;

function send(request: Distribute<WebviewRequest>): number {
  const id = nextId++;
  vscode.postMessage({ ...request, id });
  return id;
}

function setState(next: FormState, rerender = false): void {
  state = next;
  vscode.setState({ state });
  if (rerender) render();
  else showModes();
  latestUpdate = send({ type: 'update', state });
}

// ---- elements --------------------------------------------------------------------------------------------

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`composer: #${id} missing`);
  return el as T;
};

interface ValueElement extends HTMLElement {
  value: string;
}
interface CheckElement extends HTMLElement {
  checked: boolean;
}

function bindText(id: string, get: () => string, set: (v: string) => FormState): void {
  const el = $<ValueElement>(id);
  el.value = get();
  el.addEventListener('input', () => setState(set(el.value)));
  el.addEventListener('change', () => {
    if (el.value !== get()) setState(set(el.value));
  });
}

function bindCheck(id: string, get: () => boolean, set: (v: boolean) => FormState): void {
  const el = $<CheckElement>(id);
  el.checked = get();
  el.addEventListener('change', () => {
    if (el.checked !== get()) setState(set(el.checked));
  });
}

function fillOptions(select: HTMLElement, options: readonly { value: string; label: string }[], selected: string): void {
  select.replaceChildren(
    ...options.map((o) => {
      const opt = document.createElement('vscode-option') as ValueElement;
      opt.setAttribute('value', o.value);
      opt.textContent = o.label;
      if (o.value === selected) opt.setAttribute('selected', '');
      return opt;
    }),
  );
  (select as ValueElement).value = selected;
  // The toolkit's dropdown adopts new options on its slotchange (later): choose again once it has them.
  requestAnimationFrame(() => {
    (select as ValueElement).value = selected;
  });
}

function showModes(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-modes]')) {
    el.hidden = !(el.dataset.modes ?? '').split(' ').includes(state.mode);
  }
  $('model-row').hidden = !usesModel(state.mode);
  $('mac-row').hidden = !usesMac(state.mode);
}

// ---- port forwards (rows rebuilt when their number changes) ----------------------------------------------

function forwardRow(f: PortForward, i: number): HTMLElement {
  const row = document.createElement('div');
  row.className = 'forward';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', `Port forward ${i + 1}`);
  const update = (patch: Partial<PortForward>): FormState => ({
    ...state,
    user: { ...state.user, portForwards: state.user.portForwards.map((x, j) => (j === i ? { ...x, ...patch } : x)) },
  });
  const proto = document.createElement('vscode-dropdown') as ValueElement;
  proto.id = `user-portForwards-${i}-proto`;
  proto.dataset.field = `user.portForwards.${i}.proto`;
  proto.setAttribute('aria-label', `Protocol of port forward ${i + 1}`);
  fillOptions(proto, [{ value: 'tcp', label: 'TCP' }, { value: 'udp', label: 'UDP' }], f.proto);
  proto.addEventListener('change', () => {
    if (proto.value !== state.user.portForwards[i]?.proto) setState(update({ proto: proto.value === 'udp' ? 'udp' : 'tcp' }));
  });
  row.append(proto);
  for (const [key, label, size] of [['hostAddress', 'Host address', 14], ['hostPort', 'Host port', 6], ['guestPort', 'Guest port', 6]] as const) {
    const field = document.createElement('vscode-text-field') as ValueElement;
    field.id = `user-portForwards-${i}-${key}`;
    field.dataset.field = `user.portForwards.${i}.${key}`;
    field.setAttribute('size', String(size));
    field.textContent = label;
    field.value = f[key];
    field.addEventListener('input', () => setState(update({ [key]: field.value })));
    row.append(field);
  }
  const remove = document.createElement('vscode-button');
  remove.setAttribute('appearance', 'secondary');
  remove.setAttribute('aria-label', `Remove port forward ${i + 1}`);
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => setState({ ...state, user: { ...state.user, portForwards: state.user.portForwards.filter((_, j) => j !== i) } }, true));
  row.append(remove);
  return row;
}

function renderForwards(): void {
  $('forwards').replaceChildren(...state.user.portForwards.map(forwardRow));
  $('forwards-empty').hidden = state.user.portForwards.length > 0;
}

// ---- render and preview ----------------------------------------------------------------------------------

const MODE_LABELS: Record<ComposerMode, string> = { user: 'user', bridge: 'bridge', macvtap: 'macvtap', pci: 'pci', sriov: 'sriov' };

function render(): void {
  ($('mode') as ValueElement).value = MODE_LABELS[state.mode];
  fillOptions($('model'), choices.models.map((m) => ({ value: m, label: m })), state.model);
  for (const [id, v] of [
    ['mac', state.mac], ['id', state.id], ['bridge-bridge', state.bridge.bridge], ['bridge-tap', state.bridge.tap],
    ['macvtap-link', state.macvtap.link], ['pci-bdf', state.pci.bdf], ['sriov-vf', state.sriov.vf], ['sriov-vlan', state.sriov.vlan],
  ] as const) $<ValueElement>(id).value = v;
  ($('macvtap-mode') as ValueElement).value = state.macvtap.mode;
  $<CheckElement>('user-restrict').checked = state.user.restrict;
  $<CheckElement>('bridge-vhost').checked = state.bridge.vhost;
  $<CheckElement>('macvtap-vhost').checked = state.macvtap.vhost;
  const vfPick = $('sriov-pick');
  fillOptions(vfPick, [{ value: '', label: choices.vfs.length ? 'Pick a discovered VF…' : 'No discovered VFs' }, ...choices.vfs.map((v) => ({ value: v.bdf, label: v.label }))], choices.vfs.some((v) => v.bdf === state.sriov.vf) ? state.sriov.vf : '');
  $('sriov-host').textContent = choices.host ? `VFs of ${choices.host}` : 'Virtual functions';
  renderForwards();
  showModes();
}

function showPreview(p: Preview): void {
  // Errors of the shared checkers sit under the preview they concern; the preview itself stays visible.
  const formOk = p.errors.every((e) => e.field === 'xml' || e.field === 'qemu');
  $('xml').textContent = formOk ? p.xml : 'Fix the fields marked in the form.';
  $('qemu').textContent = formOk ? p.qemuText : 'Fix the fields marked in the form.';
  for (const id of ['insert-xml', 'write-script', 'attach-guest', 'copy-xml', 'copy-qemu']) $(id).toggleAttribute('disabled', p.errors.length > 0);
  $('note-title').textContent = p.note.title;
  $('note-reach').textContent = p.note.reachability;
  $('note-perf').textContent = p.note.performance;
  $('note-priv').textContent = p.note.privileges;
  $('notes').replaceChildren(...p.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  showErrors(p);
}

function showErrors(p: Preview): void {
  for (const el of document.querySelectorAll<HTMLElement>('.error')) el.remove();
  for (const el of document.querySelectorAll<HTMLElement>('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  const unplaced: string[] = [];
  for (const e of p.errors) {
    const field = document.querySelector<HTMLElement>(`[data-field="${CSS.escape(e.field)}"]`);
    if (!field || field.closest('[hidden]')) {
      unplaced.push(e.message);
      continue;
    }
    const msg = document.createElement('div');
    msg.className = 'error';
    msg.id = `${field.id}-error`;
    msg.textContent = e.message;
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', msg.id);
    (field.closest('.forward') ?? field).after(msg);
  }
  $('form-errors').textContent = unplaced.join(' ');
}

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'init':
      choices = m.choices;
      if (m.override || (vscode.getState() as { state?: unknown } | undefined)?.state === undefined) state = m.state;
      render();
      setState(state);
      break;
    case 'prefill':
      choices = m.choices;
      setState(m.state, true);
      break;
    case 'preview':
      if (m.replyTo === latestUpdate) showPreview(m.preview);
      break;
    case 'done':
      $('status').textContent = m.message;
      $('status').classList.toggle('failed', !m.ok);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const r = parseHostMessage(event.data);
  if (r.ok) onMessage(r.message);
  else console.error(`composer: ignored a malformed message from the extension: ${r.error}`);
});

// ---- wiring ----------------------------------------------------------------------------------------------

const modeGroup = $<ValueElement>('mode');
modeGroup.addEventListener('change', () => {
  const mode = modeGroup.value as ComposerMode;
  if (mode !== state.mode && Object.hasOwn(MODE_LABELS, mode)) setState({ ...state, mode });
});
$<ValueElement>('model').addEventListener('change', () => {
  const v = $<ValueElement>('model').value;
  if (v && v !== state.model) setState({ ...state, model: v });
});
bindText('mac', () => state.mac, (mac) => ({ ...state, mac }));
$('generate-mac').addEventListener('click', () => {
  const mac = randomMac();
  $<ValueElement>('mac').value = mac;
  setState({ ...state, mac });
});
bindText('id', () => state.id, (id) => ({ ...state, id }));
$('add-forward').addEventListener('click', () => {
  const used = new Set(state.user.portForwards.map((f) => Number(f.hostPort)));
  let port = 2222;
  while (used.has(port)) port++;
  setState({ ...state, user: { ...state.user, portForwards: [...state.user.portForwards, { proto: 'tcp', hostAddress: '127.0.0.1', hostPort: String(port), guestPort: '22' }] } }, true);
});
bindCheck('user-restrict', () => state.user.restrict, (restrict) => ({ ...state, user: { ...state.user, restrict } }));
bindText('bridge-bridge', () => state.bridge.bridge, (bridge) => ({ ...state, bridge: { ...state.bridge, bridge } }));
bindText('bridge-tap', () => state.bridge.tap, (tap) => ({ ...state, bridge: { ...state.bridge, tap } }));
bindCheck('bridge-vhost', () => state.bridge.vhost, (vhost) => ({ ...state, bridge: { ...state.bridge, vhost } }));
bindText('macvtap-link', () => state.macvtap.link, (link) => ({ ...state, macvtap: { ...state.macvtap, link } }));
$<ValueElement>('macvtap-mode').addEventListener('change', () => {
  const mode = $<ValueElement>('macvtap-mode').value;
  if ((mode === 'vepa' || mode === 'bridge' || mode === 'private' || mode === 'passthrough') && mode !== state.macvtap.mode) setState({ ...state, macvtap: { ...state.macvtap, mode } });
});
bindCheck('macvtap-vhost', () => state.macvtap.vhost, (vhost) => ({ ...state, macvtap: { ...state.macvtap, vhost } }));
bindText('pci-bdf', () => state.pci.bdf, (bdf) => ({ ...state, pci: { bdf } }));
bindText('sriov-vf', () => state.sriov.vf, (vf) => ({ ...state, sriov: { ...state.sriov, vf } }));
$<ValueElement>('sriov-pick').addEventListener('change', () => {
  const vf = $<ValueElement>('sriov-pick').value;
  if (vf && vf !== state.sriov.vf) {
    $<ValueElement>('sriov-vf').value = vf;
    setState({ ...state, sriov: { ...state.sriov, vf } });
  }
});
bindText('sriov-vlan', () => state.sriov.vlan, (vlan) => ({ ...state, sriov: { ...state.sriov, vlan } }));

const action = (id: string, request: () => Distribute<WebviewRequest>): void => {
  $(id).addEventListener('click', () => {
    $('status').textContent = '';
    send(request());
  });
};
action('insert-xml', () => ({ type: 'insertXml', state }));
action('write-script', () => ({ type: 'writeScript', state }));
action('attach-guest', () => ({ type: 'attachToGuest', state }));
action('copy-xml', () => ({ type: 'copy', state, what: 'xml' }));
action('copy-qemu', () => ({ type: 'copy', state, what: 'qemu' }));

render();
vscode.setState({ state });
send({ type: 'ready' });
