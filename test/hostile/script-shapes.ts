// Pathological QEMU launch scripts (issue #12): each a function of its size n, for the hostile tests and the bench.
const rep = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('');

export const SCRIPT_SHAPES: Record<string, (n: number) => string> = {
  'many NIC options in one command': (n) => `#!/bin/sh\nqemu-system-x86_64 -m 1G \\\n${rep(n, (i) => `  -netdev user,id=n${i},hostfwd=tcp::${2000 + (i % 60000)}-:22 -device e1000,netdev=n${i} \\\n`)}  -nographic\n`,
  'many QEMU commands': (n) => `#!/bin/sh\n${rep(n, (i) => `qemu-system-x86_64 -net nic,model=rtl8139 -net user,hostfwd=tcp::${2000 + (i % 60000)}-:22\n`)}`,
  'one very long line': (n) => `#!/bin/sh\nqemu-system-x86_64 ${rep(n, (i) => `-device virtio-net-pci,netdev=n${i},mac=52:54:00:12:34:56 `)}\n`,
  // Each variable expands the one before: the variables reaching the command are followed without re-scanning.
  'chained option variables': (n) => `#!/bin/bash\n${rep(n, (i) => `V${n - i}="-nic user,hostfwd=tcp::${2000 + ((n - i) % 60000)}-:22 $V${n - i - 1}"\n`)}V0="-m 256"\nqemu-system-x86_64 $V${n}\n`,
  'comments in continuations': (n) => `#!/bin/sh\nqemu-system-x86_64 -m 1G \\\n${rep(n, (i) => `  # comment ${i}\n  -nic user,id=c${i} \\\n`)}  -nographic\n`,
};
