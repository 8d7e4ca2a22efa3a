import { listNetworkDevices, netdevOptions, userNetworks } from './edit';
import { parseLaunchScript } from './model';

/** What the editor's code lenses need of one QEMU invocation: where its program name is and which commands apply. */
export interface InvocationOutline {
  readonly programStart: number;
  readonly programEnd: number;
  readonly hasNetworkDevices: boolean;
  readonly hasUserNetworks: boolean;
  readonly hasLegacyNet: boolean;
}

export interface ScriptOutline {
  readonly invocations: readonly InvocationOutline[];
  /** Only blank lines and comments: a script being started. */
  readonly blank: boolean;
}

/** Only blank lines and comments (a shebang is one): a script being started, where a template needs no asking. */
export function isBlankScript(text: string): boolean {
  return text.split(/\r?\n/).every((l) => /^\s*(?:#.*)?$/.test(l));
}

/**
 * The invocations of a launch script as the code lenses show them: computed in the lint worker from the text, so
 * the extension host never parses a whole script while the user types (issue #12).
 */
export function scriptOutline(text: string): ScriptOutline {
  const script = parseLaunchScript(text);
  const invocations = script.invocations.map((inv) => ({
    programStart: inv.program.start,
    programEnd: inv.program.end,
    // A -netdev is a device for sure; listing them all pairs each with its -device users (n² on thousands of NICs).
    hasNetworkDevices: netdevOptions(inv).length > 0 || listNetworkDevices(inv).length > 0,
    hasUserNetworks: userNetworks(inv).length > 0,
    hasLegacyNet: inv.options.some((o) => o.name === '-net'),
  }));
  return { invocations, blank: invocations.length === 0 && isBlankScript(text) };
}
