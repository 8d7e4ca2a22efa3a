import { EMULATED_NIC_MODELS } from '../../nicModels';
import { isNicDriver, optionKind, prop, qemuOptsOn, type QemuInvocation, type QemuOption, type QemuProp } from '../model';
import type { RuleContext } from './context';

/** The NIC model an option puts in the guest, with the prop naming it. */
function nicModel(o: QemuOption): QemuProp | undefined {
  if (o.name === '-device') return isNicDriver(optionKind(o)) ? prop(o, 'driver') : undefined;
  if (o.name === '-nic' || (o.name === '-net' && optionKind(o) === 'nic')) return prop(o, 'model');
  return undefined;
}

/** vhost=on on a NIC that is not virtio-net, and emulated NIC models. */
export function checkVhostAndModels(c: RuleContext, inv: QemuInvocation): void {
  const devices = inv.options.filter((o) => o.name === '-device');
  for (const o of inv.options) {
    const vhost = prop(o, 'vhost');
    if (vhost && !vhost.dynamic && qemuOptsOn(vhost.value)) {
      let model: QemuProp | undefined;
      if (o.name === '-netdev') {
        const id = prop(o, 'id')?.value;
        const dev = devices.find((d) => id !== undefined && prop(d, 'netdev')?.value === id);
        model = dev ? prop(dev, 'driver') : undefined;
      } else if (o.name === '-nic') model = prop(o, 'model');
      else if (o.name === '-net') {
        const nics = inv.options.filter((x) => x.name === '-net' && optionKind(x) === 'nic');
        model = nics.length === 1 ? prop(nics[0]!, 'model') : undefined;
        if (nics.length === 1 && !model) model = prop(nics[0]!, 'type');
      }
      const name = model?.key === 'type' ? 'e1000' : model?.value;
      if (model && !model.dynamic && name && !name.startsWith('virtio')) {
        c.report('VhostNonVirtio', 'warning', vhost.range, `vhost=on only accelerates virtio-net; this NIC is ${name}, so vhost does nothing here.`);
      }
    }
    const model = nicModel(o);
    if (model && !model.dynamic && EMULATED_NIC_MODELS.has(model.value)) {
      const to = o.name === '-device' || o.name === '-nic' ? 'virtio-net-pci' : 'virtio';
      // Not preferred: the guest may lack virtio drivers.
      c.report('EmulatedNic', 'hint', model.valueRange, `${model.value} is an emulated NIC; ${to} is much faster when the guest has virtio drivers.`, [
        { title: `Use ${to}`, edits: [c.edit(model.valueRange, to)], isPreferred: false },
      ]);
    }
  }
}
