/**
 * Every command id of the extension, once: features register and invoke them through this table, and
 * test/extension/packageJson.test.ts checks it against package.json (contributed commands, menus). `internal`
 * commands are not contributed (tests bind them to keys).
 */
export const Commands = {
  showLog: 'kvmnet.showLog',
  explainError: 'kvmnet.explainError',
  devices: {
    refresh: 'kvmnet.devices.refresh',
    refreshHost: 'kvmnet.devices.refreshHost',
    retry: 'kvmnet.devices.retry',
    groupByIommu: 'kvmnet.devices.groupByIommu',
    groupByDevice: 'kvmnet.devices.groupByDevice',
    toggleShowAll: 'kvmnet.devices.toggleShowAll',
    copyBdf: 'kvmnet.devices.copyBdf',
    copyVendorDevice: 'kvmnet.devices.copyVendorDevice',
    insertHostdev: 'kvmnet.devices.insertHostdev',
    setNumVfs: 'kvmnet.devices.setNumVfs',
    bindVfio: 'kvmnet.devices.bindVfio',
    restoreDriver: 'kvmnet.devices.restoreDriver',
    nodedevDetach: 'kvmnet.devices.nodedevDetach',
    attachToGuest: 'kvmnet.devices.attachToGuest',
    nodedevReattach: 'kvmnet.devices.nodedevReattach',
    addSshConfigHosts: 'kvmnet.devices.addSshConfigHosts',
    revealHolder: 'kvmnet.devices.revealHolder',
    reveal: 'kvmnet.devices.reveal',
  },
  readiness: {
    refresh: 'kvmnet.readiness.refresh',
    refreshHost: 'kvmnet.readiness.refreshHost',
    copyFix: 'kvmnet.readiness.copyFix',
  },
  guests: {
    detach: 'kvmnet.guests.detach',
    refresh: 'kvmnet.guests.refresh',
    retry: 'kvmnet.guests.retry',
    revealInDevices: 'kvmnet.guests.revealInDevices',
    openDefinition: 'kvmnet.guests.openDefinition',
  },
  scripts: {
    addNetworkDevice: 'kvmnet.scripts.addNetworkDevice',
    editNetworkDevice: 'kvmnet.scripts.editNetworkDevice',
    removeNetworkDevice: 'kvmnet.scripts.removeNetworkDevice',
    convertLegacy: 'kvmnet.scripts.convertLegacy',
    addPortForward: 'kvmnet.scripts.addPortForward',
    addPciPassthrough: 'kvmnet.scripts.addPciPassthrough',
  },
  definitions: {
    defineOnHost: 'kvmnet.definitions.defineOnHost',
  },
  composer: {
    open: 'kvmnet.composer.open',
  },
  convert: {
    toLibvirt: 'kvmnet.convert.toLibvirt',
    toQemu: 'kvmnet.convert.toQemu',
  },
  internal: {
    eventLoopStats: 'kvmnet.internal.eventLoopStats',
    diagnostics: 'kvmnet.internal.diagnostics',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
/** Any command id of the table. */
export type CommandId = Leaves<typeof Commands>;

/** All ids, flattened (for the manifest test). */
export function allCommandIds(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(Commands);
  return out;
}
