import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

/**
 * Settings that name or reach a program (the hosts ssh connects to, its options, the ssh and QEMU
 * binaries): only the user's own value counts, never a workspace's, whatever the trust, so a cloned
 * repository's .vscode/settings.json cannot make discovery run something. package.json gives them
 * `machine` scope (VS Code ignores workspace values); reading the user value here holds even where
 * an editor does not honour the scope.
 */
export const USER_ONLY_SETTINGS: readonly string[] = ['hosts', 'ssh.options', 'ssh.path', 'qemu.binary'];

/**
 * Typed view of the `kvmnet.*` settings. Settings are user input: every
 * getter tolerates a wrong type and falls back to the default instead of
 * throwing, so one bad value never disables the extension.
 */
export class Config {
  constructor(
    private readonly section = vscode.workspace.getConfiguration('kvmnet'),
    /** Where a relative path setting points from: the (first) workspace folder. */
    private readonly folder: string | undefined = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  ) {}

  static current(): Config {
    return new Config();
  }

  private value(key: string): unknown {
    return USER_ONLY_SETTINGS.includes(key) ? this.section.inspect<unknown>(key)?.globalValue : this.section.get<unknown>(key);
  }

  private str(key: string, fallback: string): string {
    const v = this.value(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback;
  }

  private strings(key: string): string[] {
    const v = this.value(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [];
  }

  private bool(key: string, fallback: boolean): boolean {
    const v = this.value(key);
    return typeof v === 'boolean' ? v : fallback;
  }

  private num(key: string, fallback: number, min: number, max: number): number {
    const v = this.value(key);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  }

  /** Host specs as typed by the user (validated where used: see core/host/hostSpec). */
  get hosts(): string[] {
    return this.strings('hosts');
  }
  get showDemoHost(): boolean {
    return this.bool('demoHost.enabled', true);
  }
  get sshPath(): string {
    return this.str('ssh.path', 'ssh');
  }
  get sshOptions(): string[] {
    return this.strings('ssh.options');
  }
  get sshConnectTimeoutSeconds(): number {
    return this.num('ssh.connectTimeout', 10, 1, 300);
  }
  /** Absolute: a relative value is relative to the workspace folder (else the home directory), never the extension host's cwd. */
  get schemaPath(): string | undefined {
    const p = this.str('libvirt.schemaPath', '');
    return p === '' ? undefined : path.resolve(this.folder ?? os.homedir(), p);
  }
  get qemuBinary(): string {
    return this.str('qemu.binary', 'qemu-system-x86_64');
  }
  get xmlFiles(): string[] {
    return this.strings('xml.files');
  }
  get showAllDevices(): boolean {
    return this.bool('devices.showAll', false);
  }
}

export function onConfigChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('kvmnet')) listener();
  });
}
