import { terminalSafeField } from '../text';

/**
 * ssh's questions (password, key passphrase, keyboard-interactive and 2FA codes) reach the user through the
 * editor, as the git extension does: ssh runs an askpass program (SSH_ASKPASS, SSH_ASKPASS_REQUIRE=force), which
 * passes the prompt over a private unix socket to the extension and prints the answer. Without an askpass
 * (the CLI) ssh keeps BatchMode=yes and never asks. This module is the wire format both ends share.
 */

/** How ssh finds the askpass program and the program finds the editor; set on each ssh process. */
export interface Askpass {
  /** The program ssh runs with the prompt as its argument. */
  readonly program: string;
  /** Environment the program needs (socket path, token, which node to run). */
  readonly env: Readonly<Record<string, string>>;
}

export const ASKPASS_ENV = {
  socket: 'KVMNET_ASKPASS_SOCKET',
  token: 'KVMNET_ASKPASS_TOKEN',
  host: 'KVMNET_ASKPASS_HOST',
} as const;

/** The environment for one ssh process: the askpass program forced, the host it talks to named for the prompt. */
export function askpassEnv(askpass: Askpass, hostLabel: string): Record<string, string> {
  return { ...askpass.env, SSH_ASKPASS: askpass.program, SSH_ASKPASS_REQUIRE: 'force', [ASKPASS_ENV.host]: hostLabel };
}

const MAX_PROMPT = 1000;
const MAX_ANSWER = 4096;

export interface AskpassRequest {
  readonly token: string;
  readonly host: string;
  readonly prompt: string;
}

export type AskpassReply = { readonly answer: string } | { readonly cancelled: true };

/** One JSON line each way. */
export function encode(message: AskpassRequest | AskpassReply): string {
  return `${JSON.stringify(message)}\n`;
}

export function parseRequest(line: string): AskpassRequest | undefined {
  try {
    const v = JSON.parse(line) as Partial<AskpassRequest>;
    if (typeof v.token !== 'string' || typeof v.prompt !== 'string' || typeof v.host !== 'string') return undefined;
    return { token: v.token, host: terminalSafeField(v.host).slice(0, 200), prompt: terminalSafeField(v.prompt).slice(0, MAX_PROMPT) };
  } catch {
    return undefined;
  }
}

export function parseReply(line: string): AskpassReply {
  try {
    const v = JSON.parse(line) as { answer?: unknown; cancelled?: unknown };
    if (typeof v.answer === 'string' && v.answer.length <= MAX_ANSWER && !/[\r\n]/.test(v.answer)) return { answer: v.answer };
  } catch {
    // fall through: anything unreadable is a cancel
  }
  return { cancelled: true };
}

/**
 * ssh's own "continue connecting (yes/no/[fingerprint])?" about an unknown host key. The editor answers it "no"
 * without asking: ssh then fails with "Host key verification failed", and the editor's own prompt (hostKey.ts) shows
 * the host and fingerprint and records the key only if the user trusts it. The user's ssh config still decides
 * whether ssh asks at all (`StrictHostKeyChecking no` or `accept-new` in ~/.ssh/config keep working).
 */
export function isHostKeyQuestion(prompt: string): boolean {
  return /continue connecting \(yes\/no(\/\[fingerprint\])?\)\?\s*$/i.test(prompt.trim());
}

/**
 * How to ask: any other yes/no question of ssh is shown in clear; everything else (password, passphrase,
 * verification code) is typed hidden.
 */
export function promptKind(prompt: string): { secret: boolean } {
  return { secret: !/\(yes\/no(\/\[fingerprint\])?\)\?\s*$/i.test(prompt.trim()) };
}
