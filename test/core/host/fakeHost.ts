// Test helper (not a test): a fake OpenSSH client, given to discovery and runPlan as sshPath. It never
// connects anywhere. For each destination (a directory under its own) it replays a recorded discovery
// answer with a chosen exit status, records every other remote command line, and can fail one command once.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LABVM_DISCOVERY = readFileSync(path.join(import.meta.dirname, 'fixtures/labvm-discovery.txt'), 'utf8');

const SCRIPT = `#!/bin/sh
# Fake ssh for kvmnet tests: never connects.
d=$(dirname "$0")
n=$(ls "$d"/calls 2>/dev/null | wc -l)
mkdir -p "$d/calls"
printf '%s\\0' "$@" > "$d/calls/$(printf %05d "$n")"
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
[ $# -gt 0 ] && shift
h="$d/hosts/\${1:-none}"
[ $# -gt 0 ] && shift
[ -d "$h" ] || { echo "ssh: Could not resolve hostname" >&2; exit 255; }
if [ "$*" = "sh -s" ]; then
  cat >/dev/null
  cat "$h/discovery"
  [ -f "$h/stderr" ] && cat "$h/stderr" >&2
  exit "$(cat "$h/exit")"
fi
printf '%s\\n' "$*" >> "$h/ran"
if [ -f "$h/fail" ]; then
  case "$*" in *"$(cat "$h/fail")"*) rm -f "$h/fail"; echo "sh: write error: No such device" >&2; exit 1 ;; esac
fi
exit 0
`;

export interface FakeHost {
  readonly dir: string;
  readonly sshPath: string;
  /** Sets what discovery of `host` answers, and the exit status (and stderr) after it. */
  answer(host: string, discovery: string, exitCode?: number, stderr?: string): void;
  /** The remote command lines run on `host` (not discoveries), in order. */
  ran(host: string): string[];
  /** The next remote command on `host` containing `text` fails (exit 1), once. */
  failOnce(host: string, text: string): void;
  /** The argv of every ssh invocation so far, in order. */
  calls(): string[][];
  stop(): void;
}

export function startFakeHost(dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-fakessh-'))): FakeHost {
  const sshPath = path.join(dir, 'ssh');
  writeFileSync(sshPath, SCRIPT);
  chmodSync(sshPath, 0o755);
  const hostDir = (host: string) => {
    const h = path.join(dir, 'hosts', host);
    mkdirSync(h, { recursive: true });
    return h;
  };
  return {
    dir,
    sshPath,
    answer(host, discovery, exitCode = 0, stderr) {
      const h = hostDir(host);
      writeFileSync(path.join(h, 'discovery'), discovery);
      writeFileSync(path.join(h, 'exit'), String(exitCode));
      if (stderr === undefined) rmSync(path.join(h, 'stderr'), { force: true });
      else writeFileSync(path.join(h, 'stderr'), stderr);
    },
    ran(host) {
      const f = path.join(dir, 'hosts', host, 'ran');
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
    },
    failOnce(host, text) {
      writeFileSync(path.join(hostDir(host), 'fail'), text);
    },
    calls() {
      const c = path.join(dir, 'calls');
      if (!existsSync(c)) return [];
      return readdirSync(c)
        .sort()
        .map((f) => readFileSync(path.join(c, f), 'utf8').split('\0').slice(0, -1));
    },
    stop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
