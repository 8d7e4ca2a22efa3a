import { hostLabel, HostSpecError, parseHostSpec, type HostSpec } from '../core/host/hostSpec';
import type { Config } from './config';

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
