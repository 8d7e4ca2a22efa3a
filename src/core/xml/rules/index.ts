import type { Finding } from '../../findings';
import type { XmlDocument } from '../document';
import { RuleContext } from './context';
import { checkHostdevs } from './hostdev';
import { checkMacs } from './mac';
import { checkMacvtapNetwork, checkNics } from './nic';
import { checkForwardPool } from './network';
import { checkPciAddresses } from './pciAddress';

export { duplicateMacsAcrossFiles, type WorkspaceFile } from './mac';

/**
 * libvirt semantics the schema cannot express (source 'kvmnet-xml'). Runs on a
 * partial tree too: after a parse error it still checks what was read.
 */
export function checkLibvirtSemantics(doc: XmlDocument, _text: string = doc.text): Finding[] {
  const ctx = new RuleContext(doc);
  checkNics(ctx);
  checkMacvtapNetwork(ctx);
  checkPciAddresses(ctx);
  checkMacs(ctx);
  checkHostdevs(ctx);
  checkForwardPool(ctx);
  return ctx.findings;
}

