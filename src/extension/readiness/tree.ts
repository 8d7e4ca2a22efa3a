import * as vscode from 'vscode';
import type { HostSnapshot } from '../../core/hostSnapshot';
import { runReadinessChecks } from '../../core/readiness/checks';
import { NET_MODE_LABELS, NET_MODES, summarizeByMode, type CheckStatus, type FixStep, type ReadinessCheck } from '../../core/readiness/model';
import { Config } from '../config';
import { configuredHosts, hostSnapshots, needsTrust, type HostEntry } from '../hosts';
import type { Log } from '../log';
import { Commands } from '../commands';

export type ReadinessNode =
  | { readonly kind: 'host'; readonly host: HostEntry }
  | { readonly kind: 'check'; readonly host: HostEntry; readonly check: ReadinessCheck }
  | { readonly kind: 'fix'; readonly host: HostEntry; readonly check: ReadinessCheck; readonly fix: FixStep; readonly index: number }
  | { readonly kind: 'modes'; readonly host: HostEntry; readonly checks: readonly ReadinessCheck[] }
  | { readonly kind: 'message'; readonly host: HostEntry; readonly text: string; readonly icon: string; readonly detail?: string };

type HostState =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly checks: readonly ReadinessCheck[]; readonly snapshot: HostSnapshot }
  | { readonly state: 'error'; readonly message: string };

const ICON: Record<CheckStatus, vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  unknown: new vscode.ThemeIcon('question'),
};

export function fixesTooltip(check: ReadinessCheck): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${check.title}** — ${check.status.toUpperCase()}\n\n`);
  md.appendText(check.detail); // host data: escaped, never interpreted as markdown
  if (check.modes.length > 0) md.appendMarkdown(`\n\n*Needed for: ${check.modes.map((m) => NET_MODE_LABELS[m]).join(', ')}*`);
  for (const f of check.fixes) {
    md.appendMarkdown(`\n\n**Fix:** `).appendText(`${f.title}${f.needsReboot ? ' (reboot needed)' : ''}`);
    if (f.file && f.line) md.appendMarkdown('\n\n').appendText(`${f.file}: ${f.line}`);
    md.appendCodeblock(f.command, 'sh');
  }
  return md;
}

/**
 * The "Host readiness" tree: host → checks (→ fixes). Snapshots come from the shared
 * per-host cache, so the Devices view and this one discover a host once per refresh.
 */
export class ReadinessTree implements vscode.TreeDataProvider<ReadinessNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReadinessNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly checks = new WeakMap<HostSnapshot, readonly ReadinessCheck[]>();
  private readonly hostNodes = new Map<string, ReadinessNode & { kind: 'host' }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: Log) {
    this.subscription = hostSnapshots.onDidChange((id) => this.changed.fire(id === undefined ? undefined : this.hostNodes.get(id)));
  }

  /** Re-read the host list (settings, workspace trust) without rediscovering. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Drop the snapshot of one host (or all) and rediscover on the next expansion. */
  refresh(hostId?: string): void {
    hostSnapshots.invalidate(hostId);
  }

  private state(host: HostEntry): HostState | undefined {
    const s = hostSnapshots.peek(host.id);
    if (!s) return undefined;
    if (s.state !== 'done') return s.state === 'error' ? { state: 'error', message: s.message } : { state: 'loading' };
    let checks = this.checks.get(s.snapshot);
    if (!checks) {
      checks = runReadinessChecks(s.snapshot);
      this.checks.set(s.snapshot, checks);
      this.log.info(`readiness: ${host.label}: ${checks.filter((c) => c.status === 'fail').length} failing checks`);
    }
    return { state: 'done', checks, snapshot: s.snapshot };
  }

  checksFor(host: HostEntry): readonly ReadinessCheck[] | undefined {
    const s = this.state(host);
    return s?.state === 'done' ? s.checks : undefined;
  }

  getTreeItem(node: ReadinessNode): vscode.TreeItem {
    switch (node.kind) {
      case 'host': {
        const { host } = node;
        const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `readiness:${host.id}`;
        item.contextValue = host.error ? 'readiness.host.invalid' : 'readiness.host';
        const s = this.state(host);
        if (host.error) {
          item.iconPath = new vscode.ThemeIcon('error');
          item.description = host.error;
          item.tooltip = host.error;
        } else if (s?.state === 'done') {
          const n = (st: CheckStatus) => s.checks.filter((c) => c.status === st).length;
          item.description = `${s.snapshot.partial !== undefined ? 'partial · ' : ''}${n('fail')} fail · ${n('warn')} warn · ${n('unknown')} unknown`;
          item.iconPath = ICON[n('fail') > 0 ? 'fail' : n('warn') > 0 ? 'warn' : 'pass'];
          item.tooltip = `${host.label}${s.snapshot.system.hostname ? ` (${s.snapshot.system.hostname})` : ''}, checked ${s.snapshot.capturedAt ?? ''}`;
        } else {
          item.iconPath = new vscode.ThemeIcon(s?.state === 'error' ? 'error' : host.spec?.kind === 'demo' ? 'beaker' : 'server');
        }
        return item;
      }
      case 'check': {
        const { check } = node;
        const item = new vscode.TreeItem(
          check.title,
          check.fixes.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `readiness:${node.host.id}:${check.id}`;
        item.iconPath = ICON[check.status];
        item.description = check.status === 'pass' ? check.detail : check.status;
        item.tooltip = fixesTooltip(check);
        item.contextValue = check.fixes.length > 0 ? 'readiness.check.fixable' : 'readiness.check';
        return item;
      }
      case 'fix': {
        const item = new vscode.TreeItem(node.fix.title, vscode.TreeItemCollapsibleState.None);
        item.id = `readiness:${node.host.id}:${node.check.id}:fix${node.index}`;
        item.iconPath = new vscode.ThemeIcon('terminal');
        item.description = node.fix.command;
        item.tooltip = new vscode.MarkdownString().appendText(node.fix.title).appendCodeblock(node.fix.command, 'sh');
        item.contextValue = 'readiness.fix';
        // Clicking copies; nothing is ever run from this view.
        item.command = { command: Commands.readiness.copyFix, title: 'Copy Fix Command', arguments: [node] };
        return item;
      }
      case 'modes': {
        const item = new vscode.TreeItem('Networking modes', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `readiness:${node.host.id}:modes`;
        item.iconPath = new vscode.ThemeIcon('symbol-enum');
        const sum = summarizeByMode(node.checks);
        item.description = NET_MODES.filter((m) => sum[m] === 'fail').map((m) => NET_MODE_LABELS[m]).join(', ') || 'none failing';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'readiness.message';
        if (node.detail) item.tooltip = node.detail;
        return item;
      }
    }
  }

  async getChildren(node?: ReadinessNode): Promise<ReadinessNode[]> {
    if (!node) {
      // Stable node objects: VS Code maps the element passed to onDidChangeTreeData by identity.
      const hosts = configuredHosts(Config.current());
      const nodes = hosts.map((host) => {
        const old = this.hostNodes.get(host.id);
        return old && JSON.stringify(old.host) === JSON.stringify(host) ? old : ({ kind: 'host', host } as const);
      });
      this.hostNodes.clear();
      for (const n of nodes) this.hostNodes.set(n.host.id, n);
      return nodes;
    }
    if (node.kind === 'check') return node.check.fixes.map((fix, index) => ({ kind: 'fix', host: node.host, check: node.check, fix, index }));
    if (node.kind === 'modes') {
      const sum = summarizeByMode(node.checks);
      return NET_MODES.map((m) => ({ kind: 'message', host: node.host, text: `${NET_MODE_LABELS[m]}: ${sum[m]}`, icon: ICON[sum[m]].id }));
    }
    if (node.kind !== 'host') return [];
    const { host } = node;
    if (host.error || !host.spec) return [{ kind: 'message', host, text: host.error ?? 'invalid host', icon: 'error' }];
    if (needsTrust(host) && !vscode.workspace.isTrusted) {
      return [{ kind: 'message', host, text: 'Trust the workspace to check this host', icon: 'workspace-untrusted', detail: 'Checking a host runs sh, ssh and qemu --version.' }];
    }
    // VS Code shows the view's progress bar while this resolves; the shared cache runs one discovery.
    await hostSnapshots.get(host).catch((e: unknown) => this.log.error(`readiness: ${host.label}: ${e instanceof Error ? e.message : String(e)}`));
    const s = this.state(host);
    if (s?.state === 'done') {
      const partial: ReadinessNode[] =
        s.snapshot.partial !== undefined
          ? [{ kind: 'message', host, text: `Discovery did not finish: ${s.snapshot.partial}`, icon: 'warning', detail: 'Facts may be missing: checks below can be unknown or wrong. Refresh the host.' }]
          : [];
      return [...partial, { kind: 'modes', host, checks: s.checks }, ...s.checks.map((check) => ({ kind: 'check' as const, host, check }))];
    }
    if (s?.state === 'error') return [{ kind: 'message', host, text: s.message, icon: 'error', detail: s.message }];
    // Invalidated while discovering: the invalidation already asked VS Code to redraw this host.
    return [{ kind: 'message', host, text: 'Checking…', icon: 'loading~spin' }];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
