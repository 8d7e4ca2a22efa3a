import * as vscode from 'vscode';
import { recordHostKeys, scanHostKeys, type SshSpec } from '../core/host/hostKey';
import { terminalSafeField } from '../core/text';
import { Config } from './config';
import { configuredHosts, hostConnection, hostSnapshots } from './hosts';
import type { Log } from './log';

/**
 * First contact with a host whose key ssh does not know: discovery failed (BatchMode never asks), so this asks
 * instead, once per failure, with the fingerprints ssh-keyscan read, and records the keys only on "Trust". A host
 * the user declined is not asked again until they refresh or retry it.
 */
export function registerHostKeyPrompt(log: Log): vscode.Disposable {
  const declined = new Set<string>();
  const asking = new Set<string>();

  async function ask(hostId: string): Promise<void> {
    const host = configuredHosts(Config.current()).find((h) => h.id === hostId);
    if (host?.spec?.kind !== 'ssh' || !vscode.workspace.isTrusted) return;
    const spec: SshSpec = host.spec;
    const options = hostConnection();
    let scanned;
    try {
      scanned = await scanHostKeys(spec, options);
    } catch (e) {
      log.error(`host key of ${host.label}: ${(e as Error).message}`);
      return;
    }
    const { target, keys } = scanned;
    const where = target.port === 22 ? target.hostname : `${target.hostname} port ${target.port}`;
    const trust = 'Trust and Connect';
    const answer = await vscode.window.showWarningMessage(
      `The host key of ${host.label} is not known yet.`,
      {
        modal: true,
        detail: [
          `${where} presented:`,
          ...keys.map((k) => `  ${k.type}  ${k.fingerprint}`),
          '',
          'Trust it only if this matches the host\'s own key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).',
          `Trusting adds it to ${target.knownHostsFile} as "${target.knownHostsName}", as ssh does when you answer yes.`,
        ]
          .map(terminalSafeField)
          .join('\n'),
      },
      trust,
    );
    if (answer !== trust) {
      declined.add(hostId);
      log.info(`host key of ${host.label} not trusted (${keys.map((k) => k.fingerprint).join(', ')})`);
      return;
    }
    await recordHostKeys(target, keys);
    log.info(`host key of ${host.label} recorded in ${target.knownHostsFile}: ${keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}`);
    hostSnapshots.invalidate(hostId);
  }

  return hostSnapshots.onDidChange((hostId) => {
    if (hostId === undefined) return declined.clear();
    const state = hostSnapshots.peek(hostId);
    // Dropped: the user refreshed or retried this host, so a new refusal asks again.
    if (state === undefined) return void declined.delete(hostId);
    if (state.state !== 'error' || !state.unknownHostKey || declined.has(hostId) || asking.has(hostId)) return;
    asking.add(hostId);
    ask(hostId)
      .catch((e: unknown) => log.error(`host key of ${hostId}: ${(e as Error).stack ?? String(e)}`))
      .finally(() => asking.delete(hostId));
  });
}
