/**
 * The script editor core: minimal, idempotent text edits that add, remove and convert network devices in a
 * launch script. Every byte outside the edited ranges is left alone, and running an operation twice changes
 * nothing the second time.
 */
export { optionKind, prop } from '../model';
export { convertLegacyEdits } from './legacy';
export {
  addNetworkDevice,
  addPciPassthrough,
  addPortForward,
  convertLegacyNet,
  editNetworkDevice,
  NO_EDIT,
  removeNetworkDevice,
  type EditContext,
  type PortForwardTarget,
  type ScriptEdit,
} from './operations';
export { appendArgs, appendProp, insertPrelude, removeSpan, removeSpans, toTextEdits, type OffsetEdit } from './primitives';
export { listNetworkDevices, netdevOptions, usedNames, userNetworks, type NetworkDevice } from './queries';
export { launchScriptTemplate, topLevelSetFlags, type TemplateHeader } from './template';
export { quoteSegs } from './words';
