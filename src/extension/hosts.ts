import * as vscode from 'vscode';
import { discover, UnknownHostKeyError, type DiscoveryOptions } from '../core/host/discover';
import { hostLabel, HostSpecError, parseHostSpec, type HostSpec } from '../core/host/hostSpec';
import { Limiter } from '../core/host/limit';
import type { HostSnapshot } from '../core/hostSnapshot';
import type { Askpass } from '../core/host/askpass';
import { stopSshControl, useSshControlDir } from '../core/host/sshControl';
import { editorAskpass } from './askpass';
import { Config } from './config';

export interface HostEntry {
  /** Stable id for tree items and state: the spec as configured. */
  readonly id: string;
  readonly label: string;
  readonly spec?: HostSpec;
  /** Set when the configured value is not a valid host spec. */
  readonly error?: string;
}

/** The hosts the views show: configured ones, this machine, and the embedded demo host unless disabled. */
export function configuredHosts(config: Config): HostEntry[] {
  const entries: HostEntry[] = [];
  if (config.showDemoHost) entries.push({ id: 'demo', label: hostLabel({ kind: 'demo' }), spec: { kind: 'demo' } });
  entries.push({ id: 'local', label: hostLabel({ kind: 'local' }), spec: { kind: 'local' } });
  for (const raw of config.hosts) {
    try {
      const spec = parseHostSpec(raw);
      if (spec.kind === 'ssh') entries.push({ id: raw, label: hostLabel(spec), spec });
    } catch (e) {
      entries.push({ id: raw, label: raw, error: e instanceof HostSpecError ? e.message : String(e) });
    }
  }
  return entries;
}

/** Discovery runs processes (sh, ssh): everything but the embedded demo host needs a trusted workspace. */
export function needsTrust(host: HostEntry): boolean {
  return host.spec !== undefined && host.spec.kind !== 'demo';
}

export class UntrustedWorkspaceError extends Error {
  constructor() {
    super('Trust the workspace to contact this host (discovery runs sh or ssh)');
  }
}

export type SnapshotState =
  | { readonly state: 'loading'; readonly promise: Promise<HostSnapshot>; readonly abort: AbortController }
  | { readonly state: 'done'; readonly promise: Promise<HostSnapshot>; readonly snapshot: HostSnapshot }
  | {
      readonly state: 'error';
      readonly promise: Promise<HostSnapshot>;
      readonly message: string;
      /** ssh refused the host because its key is not known yet (hostKey.ts offers to check and record it). */
      readonly unknownHostKey?: boolean;
    };

/** At most this many discoveries start together; one that has not answered after STALL_MS stops counting. */
const MAX_PARALLEL_DISCOVERIES = 8;
const STALL_MS = 3000;

/**
 * One discovery per host refresh, shared by every view that shows the host (devices,
 * readiness): the first asker starts it, later askers get the same promise. Every ssh to a
 * host (discovery, then its actions) shares one master connection (core/host/sshControl).
 */
export class HostSnapshots implements vscode.Disposable {
  private readonly states = new Map<string, SnapshotState>();
  private readonly limiter = new Limiter(MAX_PARALLEL_DISCOVERIES, STALL_MS);
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires a host id when its snapshot settles or is dropped (undefined: all hosts). */
  readonly onDidChange = this.changed.event;

  peek(hostId: string): SnapshotState | undefined {
    return this.states.get(hostId);
  }

  get(host: HostEntry): Promise<HostSnapshot> {
    const existing = this.states.get(host.id);
    if (existing) return existing.promise;
    if (!host.spec) return Promise.reject(new Error(host.error ?? 'invalid host'));
    if (needsTrust(host) && !vscode.workspace.isTrusted) return Promise.reject(new UntrustedWorkspaceError());
    const abort = new AbortController();
    const spec = host.spec;
    const promise = this.limiter.run(() => discover(spec, hostConnection(abort.signal)));
    this.states.set(host.id, { state: 'loading', promise, abort });
    promise.then(
      (snapshot) => this.settle(host.id, promise, { state: 'done', promise, snapshot }),
      (e: unknown) =>
        this.settle(host.id, promise, { state: 'error', promise, message: e instanceof Error ? e.message : String(e), unknownHostKey: e instanceof UnknownHostKeyError }),
    );
    return promise;
  }

  private settle(hostId: string, promise: Promise<HostSnapshot>, state: SnapshotState): void {
    if (this.states.get(hostId)?.promise !== promise) return; // dropped or refreshed meanwhile
    this.states.set(hostId, state);
    this.changed.fire(hostId);
  }

  /** Drop one host's snapshot (or all), cancelling a discovery in flight; the next `get` rediscovers. */
  invalidate(hostId?: string): void {
    for (const [id, s] of this.states) {
      if (hostId !== undefined && id !== hostId) continue;
      if (s.state === 'loading') s.abort.abort();
      this.states.delete(id);
    }
    this.changed.fire(hostId);
  }

  /** The ssh master sockets go in a private directory of the extension's storage (or a private temp dir when that path is too long for a socket). */
  useStorage(storageDir: string): void {
    useSshControlDir(storageDir);
  }

  dispose(): void {
    this.invalidate();
    this.changed.dispose();
    stopSshControl(Config.current().sshPath);
  }
}

/** The extension's one snapshot cache (views share it so a host is discovered once per refresh). */
export const hostSnapshots = new HostSnapshots();

/** ssh may ask for a password or passphrase through the editor when its askpass runs (askpass.ts). */
export function askpassOption(): { askpass?: Askpass } {
  const askpass = editorAskpass();
  return askpass ? { askpass } : {};
}

/** How every process that reaches a host runs (discovery, actions, definitions): the user's ssh settings, the askpass. */
export function hostConnection(signal?: AbortSignal): DiscoveryOptions {
  const config = Config.current();
  return { sshPath: config.sshPath, sshOptions: config.sshOptions, connectTimeoutSeconds: config.sshConnectTimeoutSeconds, ...askpassOption(), ...(signal ? { signal } : {}) };
}
