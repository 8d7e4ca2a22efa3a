import { optionKind, type QemuInvocation } from '../model';
import type { RuleContext } from './context';

/** Options QEMU parses with QemuOpts, where a key without a value is a short-form boolean. */
const QEMU_OPTS = new Set(['-netdev', '-net', '-nic', '-device', '-chardev', '-object']);
/** -netdev types QEMU parses with keyval instead: there a bare key is no boolean but an error, not claimed here. */
const KEYVAL_NETDEVS = new Set(['stream', 'dgram', 'vhost-vdpa']);
/**
 * QemuOpts strips a leading "no" (nokey is key=off) unless the whole name is an option of its group: -chardev
 * declares nodelay (QEMU 7.2: "Please use nodelay=on"); -netdev, -device and -object declare none.
 */
const DECLARED_NO_KEYS: Record<string, ReadonlySet<string>> = { '-chardev': new Set(['nodelay']) };

/**
 * A bare `vhost` or `restrict` (QemuOpts' short-form boolean): QEMU reads `key` as key=on and `nokey` as key=off,
 * and warns that the form is deprecated ("short-form boolean option 'vhost' deprecated, please use vhost=on").
 * The fix writes what QEMU read. `help` and `?` ask for help instead.
 */
export function checkShortFormBooleans(c: RuleContext, inv: QemuInvocation): void {
  for (const o of inv.options) {
    if (!QEMU_OPTS.has(o.name) || (o.name === '-netdev' && KEYVAL_NETDEVS.has(optionKind(o) ?? ''))) continue;
    for (const p of o.props) {
      const bare = !p.implied && !p.json && !p.dynamic && p.value === '' && p.key !== '' && p.keyRange.end === p.range.end;
      if (!bare || p.key === 'help' || p.key === '?') continue;
      const negated = p.key.startsWith('no') && p.key.length > 2 && !DECLARED_NO_KEYS[o.name]?.has(p.key);
      const [key, value] = negated ? [p.key.slice(2), 'off'] : [p.key, 'on'];
      c.report('ShortFormBoolean', 'warning', p.range, `QEMU reads '${p.key}' as ${key}=${value} and warns that this short form is deprecated: write ${key}=${value}.`, [
        { title: `Write ${key}=${value}`, edits: [c.edit(p.range, `${key}=${value}`)], isPreferred: true },
      ]);
    }
  }
}
