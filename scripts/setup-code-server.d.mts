// Types for scripts/setup-code-server.mjs, used by the TypeScript E2E harness.
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const entryScript: string;
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export const QUIET_SETTINGS: Record<string, unknown>;
export const EXTENSION_ID: string;
export const EXTENSION_FOLDER: string;

export function ensureCodeServer(): string;
export function checkPrerequisites(): void;
export function ensureBuilt(): void;
export function ensureChromium(): void;
export function installUnpacked(extensionsDir: string): string;
export function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): void;
export function codeServerEnv(stateDir: string, env?: Record<string, string>): NodeJS.ProcessEnv;
export function launchCodeServer(opts: {
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  env?: NodeJS.ProcessEnv;
  host?: string;
  port?: number;
  onOutput?: (text: string) => void;
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}): Promise<{ child: ChildProcess; port: number; url: string }>;
export function stopProcessGroup(child: ChildProcess | undefined, signal?: NodeJS.Signals): void;
