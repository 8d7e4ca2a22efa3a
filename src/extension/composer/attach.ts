import * as vscode from 'vscode';
import type { FormState } from '../../core/composer/state';
import { parseBdf, type Bdf } from '../../core/pci/bdf';
import { Config } from '../config';
import { confirmAndRun, pickGuest } from '../devices/actions';
import { configuredHosts, hostSnapshots } from '../hosts';
import type { Log } from '../log';

type Outcome = [ok: boolean, message: string];

/** The host function a composed definition passes through (PCI or SR-IOV modes), for the device checks. */
export function passedThrough(state: FormState): Bdf | undefined {
  if (state.mode === 'pci') return parseBdf(state.pci.bdf);
  if (state.mode === 'sriov') return parseBdf(state.sriov.vf);
  return undefined;
}

/**
 * "Attach to Guest…" of the composer: picks a host (the one the composer's VFs came from first) and one of its
 * libvirt guests, then runs the same confirmed plan as the Devices view (exact command, rediscovery before
 * running, --live for a running guest). The XML is the composer's own output, built from the checked form.
 */
export async function attachComposed(xml: string, bdf: Bdf | undefined, preferredHost: string | undefined, log: Log): Promise<Outcome> {
  if (!vscode.workspace.isTrusted) return [false, 'Trust the workspace to change a host.'];
  // The workspace is trusted here, so hosts of the workspace's settings count as the Devices view counts them.
  const hosts = configuredHosts(Config.current()).filter((h) => h.spec && h.spec.kind !== 'demo');
  if (hosts.length === 0) return [false, 'No host to attach to: add one to kvmnet.hosts (the demo host is a snapshot).'];
  const ordered = [...hosts.filter((h) => h.label === preferredHost), ...hosts.filter((h) => h.label !== preferredHost)];
  const host =
    ordered.length === 1
      ? ordered[0]!
      : (await vscode.window.showQuickPick(ordered.map((h) => ({ label: h.label, host: h })), { title: 'Attach the composed device: which host?' }))?.host;
  if (!host) return [false, 'Not attached.'];
  let snapshot;
  try {
    snapshot = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Discovering ${host.label}` }, () => hostSnapshots.get(host));
  } catch (e) {
    return [false, `${host.label}: ${e instanceof Error ? e.message : String(e)}`];
  }
  if ((snapshot.libvirt?.guests ?? []).length === 0) return [false, `${host.label}: no libvirt guest to attach to.`];
  const guest = await pickGuest(snapshot, `Attach the composed device to which guest of ${host.label}?`);
  if (!guest) return [false, 'Not attached.'];
  const run = await confirmAndRun(host, snapshot, { op: 'attachXml', guest: guest.uuid, xml, ...(bdf ? { bdf } : {}) }, log);
  return run.ran ? [true, `Attached to ${guest.name} on ${host.label}.`] : [false, `Not attached to ${guest.name}: ${run.why}.`];
}
