import { EMULATED_NIC_MODELS } from '../../nicModels';
import type { RuleFix } from '../../rulekit';
import { attrValue, attribute, childElements, firstChild, type XmlDocument, type XmlElement } from '../document';
import type { RuleContext } from './context';

/** NIC types where <model> has no meaning (the guest sees the real device or a vDPA device). */
const NO_MODEL_TYPES = new Set(['hostdev', 'vdpa']);

/**
 * A guest NIC: an <interface> in <devices>, or a device-fragment root. A root
 * <interface name='…'> is a host interface definition (netcf) and is left alone.
 */
export function guestNics(doc: XmlDocument): XmlElement[] {
  const root = doc.root;
  if (root?.name === 'interface') return attrValue(root, 'name') === undefined ? [root] : [];
  return doc.elements.filter((e) => e.name === 'interface' && e.parent?.name === 'devices');
}

export function checkNics(ctx: RuleContext): void {
  for (const nic of guestNics(ctx.doc)) {
    const type = attrValue(nic, 'type') ?? '';
    if (type === 'bridge') checkBridge(ctx, nic);
    if (type === 'direct') checkDirect(ctx, nic);
    const modelReported = type === 'vhostuser' && checkVhostUser(ctx, nic);
    if (!NO_MODEL_TYPES.has(type) && !modelReported) checkModel(ctx, nic);
    checkPortForward(ctx, nic);
  }
}

function checkBridge(ctx: RuleContext, nic: XmlElement): void {
  const source = firstChild(nic, 'source');
  if (source && attrValue(source, 'bridge')) return;
  ctx.report('BridgeWithoutSource', 'error', ctx.spanOf(nic, 'type'),
    "interface type='bridge' needs <source bridge='…'/> naming a host bridge (see `ip link show type bridge`); libvirt refuses the domain without it.",
    source ? undefined : [{ title: "Add <source bridge='br0'/>", edits: [ctx.appendChild(nic, "<source bridge='br0'/>")] }]);
}

/** libvirt's virDomainNetIsVirtioModel. */
const VIRTIO_MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

/**
 * What libvirt's domain validation refuses on a vhostuser interface and its schema lets through: a model other
 * than virtio (or none), and reconnect on the server side of the socket. True when the model was reported.
 */
function checkVhostUser(ctx: RuleContext, nic: XmlElement): boolean {
  const source = firstChild(nic, 'source');
  const reconnect = source ? firstChild(source, 'reconnect') : undefined;
  if (source && reconnect && attrValue(source, 'mode') === 'server' && attrValue(reconnect, 'enabled') === 'yes') {
    ctx.report('VhostUserReconnectServer', 'error', ctx.spanOf(reconnect, 'enabled'),
      "libvirt refuses <reconnect> on a vhost-user socket in mode='server' (\"'reconnect' attribute unsupported 'server' mode\"): QEMU listens there and the backend reconnects. Remove it, or use mode='client'.",
      [{ title: 'Remove <reconnect>', edits: [ctx.removeElement(reconnect)], isPreferred: true }]);
  }
  const model = firstChild(nic, 'model');
  const modelType = model ? attrValue(model, 'type') : undefined;
  if (modelType !== undefined && VIRTIO_MODELS.has(modelType)) return false;
  ctx.report('VhostUserModel', 'error', model && attribute(model, 'type') ? ctx.spanOf(model, 'type') : nic.nameSpan,
    `libvirt refuses a vhost-user interface ${modelType ? `with model '${modelType}'` : 'without <model>'}: vhost-user serves virtio-net only ("vhostuser requires the virtio-net* frontend"). Use model type='virtio'.`,
    [{ ...toVirtio(ctx, nic), isPreferred: true }]);
  return true;
}

/** The fix that makes a NIC virtio: its model's type, or a new <model> when it has none. */
function toVirtio(ctx: RuleContext, nic: XmlElement): RuleFix {
  const model = firstChild(nic, 'model');
  const typeAttr = model ? attribute(model, 'type') : undefined;
  return typeAttr
    ? { title: "Use model type='virtio'", edits: [ctx.edit(typeAttr.valueSpan, 'virtio')] }
    : { title: "Add <model type='virtio'/>", edits: [ctx.appendChild(nic, "<model type='virtio'/>")] };
}

const ISOLATION =
  'host and guest cannot reach each other over it (macvtap traffic never enters the host stack of its lower device). ' +
  "If the host must talk to the guest, use a Linux bridge (type='bridge'), give the host its own macvlan interface on the same device, " +
  'or add a second NIC on a libvirt network.';

function checkDirect(ctx: RuleContext, nic: XmlElement): void {
  const source = firstChild(nic, 'source');
  const mode = (source && attrValue(source, 'mode')) ?? 'vepa';
  if (mode !== 'vepa' && mode !== 'bridge') return;
  const dev = (source && attrValue(source, 'dev')) ?? 'the lower device';
  ctx.report('DirectHostIsolation', 'info', ctx.spanOf(nic, 'type'), `macvtap in ${mode} mode: the guest reaches the network through ${dev}, but ${ISOLATION}`);
}

/** The same trap in a macvtap pool network: <forward mode='bridge|vepa'> on host NICs rather than on a <bridge>. */
export function checkMacvtapNetwork(ctx: RuleContext): void {
  const root = ctx.doc.root;
  const forward = root?.name === 'network' ? firstChild(root, 'forward') : undefined;
  const mode = forward && attrValue(forward, 'mode');
  if (!forward || (mode !== 'vepa' && mode !== 'bridge') || firstChild(root!, 'bridge')) return;
  // An Open vSwitch network (<virtualport type='openvswitch'/>) is a switch, not a macvtap pool.
  if (ctx.doc.elements.some((el) => el.name === 'virtualport' && attrValue(el, 'type') === 'openvswitch')) return;
  ctx.report('DirectHostIsolation', 'info', ctx.spanOf(forward, 'mode'), `This network is a macvtap pool in ${mode} mode: guests on it reach the LAN, but ${ISOLATION}`);
}

function checkModel(ctx: RuleContext, nic: XmlElement): void {
  const model = firstChild(nic, 'model');
  const modelType = model ? attrValue(model, 'type') : undefined;
  const vhost = childElements(nic, 'driver').find((d) => attrValue(d, 'name') === 'vhost');
  const fix = toVirtio(ctx, nic);
  const caveat = ' The guest needs virtio-net drivers (built into Linux; Windows needs the virtio-win drivers).';
  if (vhost && modelType !== 'virtio') {
    ctx.report('VhostNonVirtio', 'warning', ctx.spanOf(vhost, 'name'),
      `<driver name='vhost'/> moves virtio-net's data path into the host kernel (vhost-net); it does nothing for ${modelType ? `model '${modelType}'` : 'the default emulated model'}. Use model type='virtio'.`,
      [fix]);
  } else if (!model) {
    ctx.report('ModelMissing', 'info', nic.nameSpan,
      "This interface has no <model>: QEMU then emulates a legacy NIC (rtl8139 or e1000), which is slow. Add <model type='virtio'/>." + caveat,
      [fix]);
  } else if (modelType && EMULATED_NIC_MODELS.has(modelType)) {
    ctx.report('ModelEmulated', 'info', ctx.spanOf(model, 'type'),
      `model '${modelType}' is an emulated NIC: every packet traps into QEMU. virtio is paravirtual and much faster.` + caveat,
      [fix]);
  }
}

function checkPortForward(ctx: RuleContext, nic: XmlElement): void {
  const forwards = childElements(nic, 'portForward');
  if (forwards.length === 0) return;
  const backend = firstChild(nic, 'backend');
  if (backend && attrValue(backend, 'type') === 'passt') return;
  const fixes: RuleFix[] = backend && attribute(backend, 'type')
    ? [{ title: "Use <backend type='passt'/>", edits: [ctx.edit(attribute(backend, 'type')!.valueSpan, 'passt')] }]
    : backend ? [] : [{ title: "Add <backend type='passt'/>", edits: [ctx.appendChild(nic, "<backend type='passt'/>")] }];
  for (const pf of forwards) {
    ctx.report('PortForwardWithoutPasst', 'error', pf.nameSpan,
      "<portForward> is implemented only by the passt backend; with the default slirp backend libvirt refuses to start the guest. Add <backend type='passt'/> (needs the passt package on the host).",
      fixes);
  }
}
