import type { Finding } from '../../findings';
import { XmlCode } from '../codes';
import type { XmlDocument } from '../document';
import { RuleContext } from './context';
import { checkHostdevs } from './hostdev';
import { checkMacs } from './mac';
import { checkMacvtapNetwork, checkNics } from './nic';
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
  return ctx.findings;
}

/** The document's one well-formedness error as a finding (none when well-formed). */
export function parseErrorFindings(doc: XmlDocument): Finding[] {
  if (!doc.error) return [];
  return [{ range: doc.rangeOf(doc.error.span), severity: 'error', code: XmlCode.NotWellFormed.id, message: doc.error.message, source: 'kvmnet-xml' }];
}
