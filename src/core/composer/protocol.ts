/**
 * The composer's message protocol. The webview is untrusted: every message it posts goes through
 * parseWebviewMessage (exact shapes, unknown fields and wrong types rejected with the path that is wrong).
 * The webview checks the extension's messages with parseHostMessage the same way. Pure, no Node: both sides
 * bundle it.
 */
import type { ModeNote } from './notes';
import { COMPOSER_MODES, DIRECT_MODES, FORWARD_PROTOCOLS, type FieldError, type FormState, type PortForward } from './state';

export const PROTOCOL_LIMITS = { text: 256, forwards: 32, list: 512, preview: 65_536 } as const;

/** Webview → extension. Every request carries an id; the extension answers each with a reply naming it. */
export type WebviewRequest =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'update'; readonly id: number; readonly state: FormState }
  | { readonly type: 'insertXml'; readonly id: number; readonly state: FormState }
  | { readonly type: 'writeScript'; readonly id: number; readonly state: FormState }
  | { readonly type: 'attachToGuest'; readonly id: number; readonly state: FormState }
  | { readonly type: 'copy'; readonly id: number; readonly state: FormState; readonly what: 'xml' | 'qemu' };

export interface VfChoice {
  readonly bdf: string;
  /** e.g. "VF 1 of 0000:3b:00.0 (enp59s0f0) · vfio-pci". */
  readonly label: string;
}

export interface Choices {
  readonly models: readonly string[];
  readonly vfs: readonly VfChoice[];
  /** The host the VFs come from, when one is known. */
  readonly host?: string;
}

export interface Preview {
  readonly xml: string;
  readonly qemuText: string;
  readonly errors: readonly FieldError[];
  readonly note: ModeNote;
  readonly notes: readonly string[];
}

/** Extension → webview: replies (replyTo = the request's id) and pushes (a new prefill while open). */
export type HostMessage =
  /** override: the extension has a newer form (a device picked while the panel was hidden) than the webview's saved one. */
  | { readonly type: 'init'; readonly replyTo: number; readonly state: FormState; readonly choices: Choices; readonly override: boolean }
  | { readonly type: 'preview'; readonly replyTo: number; readonly preview: Preview }
  | { readonly type: 'done'; readonly replyTo: number; readonly ok: boolean; readonly message: string }
  | { readonly type: 'prefill'; readonly state: FormState; readonly choices: Choices };

export class ProtocolError extends Error {}

// ---- combinators: each returns the typed value or throws ProtocolError naming the path -------------------

type Check<T> = (value: unknown, path: string) => T;

const fail = (path: string, what: string): never => {
  throw new ProtocolError(`${path}: ${what}`);
};

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
/** A short rendering of a rejected value; never throws (structured clone can carry a BigInt, which JSON cannot). */
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : describe(v));

const text =
  (max: number = PROTOCOL_LIMITS.text): Check<string> =>
  (v, path) =>
    typeof v !== 'string' ? fail(path, `expected a string, got ${describe(v)}`) : v.length > max ? fail(path, `longer than ${max} characters`) : v;

const bool: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, `expected true or false, got ${describe(v)}`));

const int: Check<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(path, `expected a non-negative integer, got ${describe(v)}`);

const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (v, path) =>
    typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fail(path, `expected one of ${values.join(', ')}, got ${show(v)}`);

const list =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) return fail(path, `expected an array, got ${describe(v)}`);
    if (v.length > max) return fail(path, `more than ${max} items`);
    return v.map((x, i) => item(x, `${path}.${i}`));
  };

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/** An object with exactly these keys (optional ones listed in `optional` may be absent). */
const object =
  <S extends Shape>(shape: S, optional: readonly (keyof S)[] = []): Check<Parsed<S>> =>
  (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, `expected an object, got ${describe(v)}`);
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(rec)) if (!Object.hasOwn(shape, key)) fail(path, `unknown field '${key.slice(0, 40)}'`);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      if (!Object.hasOwn(rec, key)) {
        if (optional.includes(key)) continue;
        fail(path, `missing field '${key}'`);
      }
      out[key] = check(rec[key], `${path}.${key}`);
    }
    return out as Parsed<S>;
  };

const portForward: Check<PortForward> = object({ proto: oneOf(FORWARD_PROTOCOLS), hostAddress: text(64), hostPort: text(16), guestPort: text(16) });

export const parseFormState: Check<FormState> = object({
  mode: oneOf(COMPOSER_MODES),
  model: text(64),
  mac: text(64),
  id: text(64),
  user: object({ portForwards: list(portForward, PROTOCOL_LIMITS.forwards), restrict: bool }),
  bridge: object({ bridge: text(64), tap: text(64), vhost: bool }),
  macvtap: object({ link: text(64), mode: oneOf(DIRECT_MODES), vhost: bool }),
  pci: object({ bdf: text(64) }),
  sriov: object({ vf: text(64), vlan: text(16) }),
});

const requestShapes = {
  ready: object({ type: text(), id: int }),
  update: object({ type: text(), id: int, state: parseFormState }),
  insertXml: object({ type: text(), id: int, state: parseFormState }),
  writeScript: object({ type: text(), id: int, state: parseFormState }),
  attachToGuest: object({ type: text(), id: int, state: parseFormState }),
  copy: object({ type: text(), id: int, state: parseFormState, what: oneOf(['xml', 'qemu'] as const) }),
} satisfies Record<WebviewRequest['type'], Check<unknown>>;

function byType<M>(shapes: Record<string, Check<unknown>>, value: unknown, path: string): M {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, `expected an object, got ${describe(value)}`);
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) return fail(`${path}.type`, `expected one of ${Object.keys(shapes).join(', ')}, got ${show(type)}`);
  return shapes[type]!(value, path) as M;
}

export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

function attempt<T>(fn: () => T): ParseResult<T> {
  try {
    return { ok: true, message: fn() };
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Validates a message posted by the webview (untrusted). */
export function parseWebviewMessage(value: unknown): ParseResult<WebviewRequest> {
  return attempt(() => byType<WebviewRequest>(requestShapes, value, 'message'));
}

const note = object({ title: text(), reachability: text(1024), performance: text(1024), privileges: text(1024) });
const choices = object({ models: list(text(64), 64), vfs: list(object({ bdf: text(64), label: text() }), PROTOCOL_LIMITS.list), host: text() }, ['host']);
const hostShapes = {
  init: object({ type: text(), replyTo: int, state: parseFormState, choices, override: bool }),
  preview: object({
    type: text(),
    replyTo: int,
    preview: object({
      xml: text(PROTOCOL_LIMITS.preview),
      qemuText: text(PROTOCOL_LIMITS.preview),
      errors: list(object({ field: text(), message: text(1024) }), PROTOCOL_LIMITS.list),
      note,
      notes: list(text(1024), 64),
    }),
  }),
  done: object({ type: text(), replyTo: int, ok: bool, message: text(4096) }),
  prefill: object({ type: text(), state: parseFormState, choices }),
} satisfies Record<HostMessage['type'], Check<unknown>>;

/** Validates a message from the extension (checked on the webview side too). */
export function parseHostMessage(value: unknown): ParseResult<HostMessage> {
  return attempt(() => byType<HostMessage>(hostShapes, value, 'message'));
}
