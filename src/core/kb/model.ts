import type { CheckId } from '../readiness/model';

/** Who prints a message: tells the user where to look and what to search for. */
export type MessageOrigin = 'qemu' | 'kernel' | 'libvirt' | 'iproute2' | 'qemu-bridge-helper';

/** One known error message: how to recognise it, why it happens, how to confirm and fix it. */
export interface KbEntry {
  readonly id: string;
  readonly title: string;
  readonly origin: readonly MessageOrigin[];
  /**
   * Recognisers, robust to the variable parts (group numbers, BDFs, names, quote styles).
   * No `g`/`y` flag (explain adds `g` itself). Linear: no nested quantifiers on untrusted text.
   */
  readonly patterns: readonly RegExp[];
  readonly cause: string;
  /** Readiness checks that confirm (or rule out) the cause on the host. */
  readonly confirm: readonly CheckId[];
  /** Markdown. */
  readonly fixQemu: string;
  /** Markdown. */
  readonly fixLibvirt: string;
}
