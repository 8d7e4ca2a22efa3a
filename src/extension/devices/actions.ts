import { readdir, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostSnapshot, PciDevice } from '../../core/hostSnapshot';
import type { Guest } from '../../core/libvirt/model';
import { renderConfirmation, renderFailure, runConfirmedPlan, stepInvocation, commandLine } from '../../core/host/runPlan';
import { sshConfigHostsWithIncludes, type SshConfigFs } from '../../core/host/sshConfig';
import { ActionRefused, buildPlan, hostChangeBlocked, type GuestDevicePart, type PlanRequest } from '../../core/pci/actions';
import { guestStateText } from '../../core/libvirt/views';
import { hostdevXml } from '../../core/pci/hostdevXml';
import { deviceTitle, vendorDevice } from '../../core/pci/tree';
import { Config } from '../config';
import { configuredHosts, hostConnection, hostSnapshots, needsTrust, type HostEntry } from '../hosts';
import type { Log } from '../log';
import type { DeviceTreeNode } from './tree';

export interface DeviceRef {
  readonly host: HostEntry;
  readonly snapshot: HostSnapshot;
  readonly device: PciDevice;
}

/**
 * From a tree node (context menu) or, from the palette, by picking a host and then a device. A command that
 * changes the host (`changesHost`) stops at a host whose discovery did not finish, before asking anything more.
 */
export async function resolveDevice(node: DeviceTreeNode | undefined, filter: (d: PciDevice) => boolean = () => true, changesHost = false): Promise<DeviceRef | undefined> {
  if (node?.kind === 'device') return { host: node.host, snapshot: node.snapshot, device: node.device };
  const hosts = configuredHosts(Config.current()).filter((h) => h.spec && (!needsTrust(h) || vscode.workspace.isTrusted));
  const hostPick = hosts.length === 1 ? { host: hosts[0]! } : await vscode.window.showQuickPick(hosts.map((host) => ({ label: host.label, host })), { title: 'KVM Networking: pick a host' });
  if (!hostPick) return undefined;
  let snapshot: HostSnapshot;
  try {
    snapshot = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Discovering ${hostPick.host.label}` }, () => hostSnapshots.get(hostPick.host));
  } catch (e) {
    void vscode.window.showErrorMessage(`${hostPick.host.label}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const blocked = changesHost ? hostChangeBlocked(snapshot) : undefined;
  if (blocked) {
    void vscode.window.showWarningMessage(`${hostPick.host.label}: ${blocked}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    snapshot.devices.filter(filter).map((device) => ({
      label: device.bdf,
      description: deviceTitle(device),
      detail: [vendorDevice(device), device.driver ?? 'no driver', ...(device.netdevs ?? [])].join(' · '),
      device,
    })),
    { title: `KVM Networking: pick a PCI function of ${hostPick.host.label}`, matchOnDescription: true, matchOnDetail: true },
  );
  return pick ? { host: hostPick.host, snapshot, device: pick.device } : undefined;
}

export async function copyBdf(node?: DeviceTreeNode): Promise<void> {
  const ref = await resolveDevice(node);
  if (ref) await vscode.env.clipboard.writeText(ref.device.bdf);
}

export async function copyVendorDevice(node?: DeviceTreeNode): Promise<void> {
  const ref = await resolveDevice(node);
  if (ref) await vscode.env.clipboard.writeText(vendorDevice(ref.device));
}

/** Inserts <hostdev> (or <interface type='hostdev'> for a VF) at the cursor of the active XML editor, indented like the cursor line. */
export async function insertHostdev(node: DeviceTreeNode | undefined, log: Log): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'xml') {
    void vscode.window.showWarningMessage('Open a libvirt domain XML file and place the cursor inside <devices> to insert a device.');
    return;
  }
  const ref = await resolveDevice(node);
  if (!ref) return;
  // At the cursor, never over a selection: the cursor line gives the indentation.
  const pos = editor.selection.active;
  const indent = /^\s*/.exec(editor.document.lineAt(pos.line).text)?.[0] ?? '';
  const ok = await editor.edit((b) => b.insert(pos, hostdevXml(ref.device, indent)));
  log.info(`devices: ${ok ? 'inserted' : 'could not insert'} ${ref.device.bdf} of ${ref.host.label} into ${path.basename(editor.document.uri.path)}:${pos.line + 1}`);
}

/** What became of a confirmed plan: run to the end, or why not (for a status line such as the composer's). */
export type RunOutcome = { readonly ran: true } | { readonly ran: false; readonly why: string };

/**
 * Asks with the exact command lines (the host named), runs them through runConfirmedPlan (which discovers the
 * host again first and refuses if the plan's facts changed), then rediscovers the host. After a partial
 * failure it lists what completed and the host's state, and offers the undo plan, which is confirmed the
 * same way. Failures are messages, never thrown. Says whether the plan ran to the end, and if not, why not.
 */
export async function confirmAndRun(host: HostEntry, snapshot: HostSnapshot, request: PlanRequest, log: Log): Promise<RunOutcome> {
  let plan;
  try {
    plan = buildPlan(snapshot, request);
  } catch (e) {
    if (e instanceof ActionRefused) {
      void vscode.window.showWarningMessage(`${host.label}: ${e.message}`);
      return { ran: false, why: `refused: ${e.message}` };
    }
    throw e;
  }
  if (plan.steps.length === 0) {
    void vscode.window.showInformationMessage(`${plan.title}: nothing to change.`);
    return { ran: true };
  }
  const spec = host.spec;
  if (!spec || spec.kind === 'demo') {
    const lines = plan.steps.map((s) => commandLine(stepInvocation({ kind: 'local' }, s)));
    void vscode.window.showInformationMessage(`The demo host is a snapshot. On a real host this would run:\n${plan.title}\n${lines.join('\n')}`);
    return { ran: false, why: 'the demo host is a snapshot' };
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Trust the workspace to change a host.');
    return { ran: false, why: 'the workspace is not trusted' };
  }
  const shown = renderConfirmation(spec, plan, hostConnection());
  const answer = await vscode.window.showWarningMessage(shown.message, { modal: true, detail: shown.detail }, 'Run');
  if (answer !== 'Run') return { ran: false, why: 'cancelled' };
  log.info(`devices: ${host.label}: confirmed ${shown.message}\n${shown.detail}`);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: plan.title, cancellable: true }, (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return runConfirmedPlan(spec, plan, hostConnection(abort.signal));
  });
  for (const r of result.results) log.info(`devices: ${r.ok ? 'ok' : 'FAILED'}: ${r.commandLine}${r.output ? `\n${r.output}` : ''}`);
  hostSnapshots.invalidate(host.id);
  if (result.ok) {
    void vscode.window.showInformationMessage(`${plan.title}: done.`);
    return { ran: true };
  }
  const detail = renderFailure(plan, result, spec, hostConnection());
  log.error(`devices: ${host.label}: ${plan.title} failed\n${detail}`);
  const { undo, after } = result;
  const pick = await vscode.window.showErrorMessage(`${plan.title} on ${host.label} ${result.refused ? 'was not run' : 'failed'}`, { modal: true, detail }, ...(undo ? [undo.title] : []));
  if (undo && after && pick === undo.title) await confirmAndRun(host, after, undo.request, log);
  return { ran: false, why: result.refused ? `not run (${result.refused})` : 'failed (the error lists what completed)' };
}

/** Host-changing commands: from a device row or the palette, never on a host whose discovery did not finish. */
async function hostAction(node: DeviceTreeNode | undefined, filter: (d: PciDevice) => boolean, request: (ref: DeviceRef) => Promise<PlanRequest | undefined> | PlanRequest, log: Log): Promise<void> {
  const ref = await resolveDevice(node, filter, true);
  if (!ref) return;
  const blocked = hostChangeBlocked(ref.snapshot);
  if (blocked) return void vscode.window.showWarningMessage(`${ref.host.label}: ${blocked}.`);
  const r = await request(ref);
  if (r) await confirmAndRun(ref.host, ref.snapshot, r, log);
}

export function setNumVfs(node: DeviceTreeNode | undefined, log: Log): Promise<void> {
  return hostAction(
    node,
    (d) => (d.sriovTotalVfs ?? 0) > 0,
    async (ref) => {
      const total = ref.device.sriovTotalVfs ?? 0;
      const value = await vscode.window.showInputBox({
        title: `Number of VFs for ${ref.device.bdf} (0–${total})`,
        value: String(ref.device.sriovNumVfs ?? 0),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= total ? undefined : `a whole number from 0 to ${total}`),
      });
      return value === undefined ? undefined : { op: 'setNumVfs', bdf: ref.device.bdf, count: Number(value.trim()) };
    },
    log,
  );
}

export function bindVfio(node: DeviceTreeNode | undefined, log: Log): Promise<void> {
  return hostAction(node, (d) => d.driver !== 'vfio-pci', (ref) => ({ op: 'bindVfio', bdf: ref.device.bdf }), log);
}

export function restoreDriver(node: DeviceTreeNode | undefined, log: Log): Promise<void> {
  return hostAction(node, (d) => d.driver === 'vfio-pci' || d.driverOverride !== undefined, (ref) => ({ op: 'restoreDriver', bdf: ref.device.bdf }), log);
}

export function nodedev(node: DeviceTreeNode | undefined, action: 'detach' | 'reattach', log: Log): Promise<void> {
  return hostAction(node, () => true, (ref) => ({ op: 'nodedev', bdf: ref.device.bdf, action }), log);
}

/** One of the host's libvirt guests, by name and state; undefined when it has none (the caller says so) or none is picked. */
export async function pickGuest(snapshot: HostSnapshot, title: string): Promise<Guest | undefined> {
  const guests = snapshot.libvirt?.guests ?? [];
  if (guests.length === 0) return undefined;
  return (await vscode.window.showQuickPick(guests.map((g) => ({ label: g.name, description: guestStateText(g), guest: g })), { title }))?.guest;
}

/** "Attach to Guest…": a function to a libvirt guest of the same host (a VF as interface type='hostdev'). */
export function attachToGuest(node: DeviceTreeNode | undefined, log: Log): Promise<void> {
  return hostAction(
    node,
    () => true,
    async (ref) => {
      if ((ref.snapshot.libvirt?.guests ?? []).length === 0) {
        void vscode.window.showInformationMessage(`${ref.host.label}: no libvirt guest to attach ${ref.device.bdf} to.`);
        return undefined;
      }
      const guest = await pickGuest(ref.snapshot, `Attach ${ref.device.bdf} to which guest of ${ref.host.label}?`);
      return guest ? { op: 'attachToGuest', bdf: ref.device.bdf, guest: guest.uuid } : undefined;
    },
    log,
  );
}

/** "Detach…" of a guest's NIC (by MAC) or PCI hostdev, from the Guests view. */
export async function detachFromGuest(host: HostEntry, snapshot: HostSnapshot, guestUuid: string, part: GuestDevicePart, log: Log): Promise<void> {
  const blocked = hostChangeBlocked(snapshot);
  if (blocked) return void vscode.window.showWarningMessage(`${host.label}: ${blocked}.`);
  await confirmAndRun(host, snapshot, { op: 'detachFromGuest', guest: guestUuid, part }, log);
}

/**
 * "ssh-config hosts on request": offers the concrete Host aliases of ~/.ssh/config and its Includes
 * (patterns, Match blocks and unsafe aliases left out) and appends the picked ones to the user's kvmnet.hosts.
 */
export async function addSshConfigHosts(): Promise<void> {
  // $HOME as Node resolves it (ssh itself reads the passwd entry's home: the same directory unless HOME is overridden).
  const home = os.homedir();
  const file = path.join(home, '.ssh', 'config');
  let mainRead = false;
  const fs: SshConfigFs = {
    readFile: async (f) => {
      try {
        const text = await readFile(f, 'utf8');
        if (f === file) mainRead = true;
        return text;
      } catch {
        return undefined;
      }
    },
    readdir: (d) => readdir(d).catch(() => undefined),
  };
  const configured = new Set(Config.current().hosts);
  const aliases = (await sshConfigHostsWithIncludes(file, home, fs)).filter((a) => !configured.has(a));
  if (!mainRead) return void vscode.window.showInformationMessage(`No ${file} to read hosts from.`);
  if (aliases.length === 0) return void vscode.window.showInformationMessage(`No new host aliases in ${file} or the files it includes.`);
  const picked = await vscode.window.showQuickPick(aliases, { canPickMany: true, title: 'Add ssh hosts to the Devices and Host readiness views' });
  if (!picked?.length) return;
  // Appended to the user value only: the effective value may include workspace hosts that must stay there.
  const section = vscode.workspace.getConfiguration('kvmnet');
  const user = section.inspect<unknown>('hosts')?.globalValue;
  const userHosts = Array.isArray(user) ? user.filter((h): h is string => typeof h === 'string') : [];
  await section.update('hosts', [...userHosts, ...picked.filter((p) => !userHosts.includes(p))], vscode.ConfigurationTarget.Global);
}
