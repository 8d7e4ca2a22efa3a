import * as vscode from 'vscode';
import type { HostSnapshot } from '../core/hostSnapshot';
import { hostSnapshots, needsTrust, type HostEntry } from './hosts';

/** A row under a host that says something instead of listing (an error, Restricted Mode, a partial discovery). */
export interface HostMessageNode {
  readonly kind: 'message';
  readonly host: HostEntry;
  readonly text: string;
  readonly icon: string;
  readonly detail?: string;
  /** Clicking it discovers the host again. */
  readonly retry?: boolean;
}

/**
 * A host's snapshot for a view (the one discovery all views share, with progress on this view), or the row the
 * host shows instead: its configuration error, Restricted Mode (discovery runs sh or ssh), a failed discovery.
 */
export async function hostSnapshotFor(host: HostEntry, viewId: string): Promise<HostSnapshot | HostMessageNode> {
  if (host.error || !host.spec) return { kind: 'message', host, text: host.error ?? 'invalid host', icon: 'error' };
  if (needsTrust(host) && !vscode.workspace.isTrusted) {
    return { kind: 'message', host, text: 'Trust the workspace to list this host', icon: 'workspace-untrusted', detail: 'Discovery runs sh or ssh.' };
  }
  try {
    return await vscode.window.withProgress({ location: { viewId } }, () => hostSnapshots.get(host));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'message', host, text: message, icon: 'error', detail: `${message}\n\nClick to retry.`, retry: true };
  }
}

/**
 * While a host's children are being fetched, that request delivers the result: a second render of the same host
 * at the same time makes VS Code reject the element ids as already registered. So a snapshot that settles
 * meanwhile is held back and rendered once the fetch is over.
 */
export class HostFetches {
  private readonly pending = new Map<string, number>();
  private readonly heldBack = new Set<string>();

  constructor(private readonly render: (hostId: string | undefined) => void) {}

  /** A host's snapshot changed (undefined: all hosts): render now, or after its fetch in flight. */
  changed(hostId: string | undefined): void {
    if (hostId !== undefined && (this.pending.get(hostId) ?? 0) > 0 && hostSnapshots.peek(hostId) !== undefined) this.heldBack.add(hostId);
    else this.render(hostId);
  }

  async fetch<T>(hostId: string, run: () => Promise<T>): Promise<T> {
    this.pending.set(hostId, (this.pending.get(hostId) ?? 0) + 1);
    try {
      return await run();
    } finally {
      this.pending.set(hostId, (this.pending.get(hostId) ?? 1) - 1);
      if (this.pending.get(hostId) === 0 && this.heldBack.delete(hostId)) setTimeout(() => this.render(hostId), 0);
    }
  }
}
