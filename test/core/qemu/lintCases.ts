// One triggering (bad) and one quiet (good) launch script per QEMU rule code: lint.oracle.test.ts runs them (and confirms
// QEMU's verdicts), codeCoverage.test.ts checks that every code has one.
import type { QemuCodeKey } from '../../../src/core/qemu/codes';

export const Q = 'qemu-system-x86_64';

export interface Case {
  readonly rule: QemuCodeKey;
  readonly bad: string;
  readonly good: string;
  /** The finding claims QEMU rejects/fails on the bad script: QEMU must do so with this message. */
  readonly qemuRejects?: RegExp;
  /** The finding says QEMU warns (and still runs): QEMU must print this for the bad script, and not for the good one or the fixed one. */
  readonly qemuWarns?: RegExp;
  /** The fixed script must pass the parse check (vfio: fail only for the absent device). */
  readonly fixAccepted?: true | RegExp;
}

export const cases: readonly Case[] = [
  {
    rule: 'ShortFormBoolean',
    bad: `${Q} -netdev user,id=n0,restrict -device virtio-net-pci,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0\n`,
    qemuWarns: /short-form boolean option 'restrict' deprecated\s+Please use restrict=on instead/,
    fixAccepted: true,
  },
  {
    rule: 'ShortFormBoolean',
    bad: `${Q} -netdev user,id=n0,norestrict -device virtio-net-pci,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0,restrict=off -device virtio-net-pci,netdev=n0\n`,
    qemuWarns: /short-form boolean option 'norestrict' deprecated\s+Please use restrict=off instead/,
    fixAccepted: true,
  },
  {
    rule: 'ShortFormBoolean',
    bad: `${Q} -chardev socket,id=c0,path=c0.sock,server=on,wait=off,nodelay -device virtio-serial -device virtserialport,chardev=c0\n`,
    good: `${Q} -chardev socket,id=c0,path=c0.sock,server=on,wait=off,nodelay=on -device virtio-serial -device virtserialport,chardev=c0\n`,
    qemuWarns: /short-form boolean option 'nodelay' deprecated\s+Please use nodelay=on instead/,
    fixAccepted: true,
  },
  { rule: 'ShellSyntax', bad: `if [ -x /bin/true ]; then\n${Q} -nic user\n`, good: `if [ -x /bin/true ]; then\n${Q} -nic user\nfi\n` },
  {
    rule: 'CommentInContinuation',
    bad: `${Q} -m 256 \\\n  # networking\n  -nic user,model=virtio-net-pci\n`,
    good: `# networking\n${Q} -m 256 \\\n  -nic user,model=virtio-net-pci # user-mode, private\n`,
    qemuRejects: /-nic: command not found/,
    fixAccepted: true,
  },
  {
    rule: 'CommentInContinuation',
    bad: `${Q} -m 256 \\\n  -netdev user,id=n0 # user net \\\n  -device virtio-net-pci,netdev=n0\n`,
    good: `${Q} -m 256 \\\n  -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0\n  # -device e1000\n`,
    qemuRejects: /-device: command not found/,
    fixAccepted: true,
  },
  {
    rule: 'OptionsOrphaned',
    bad: `${Q} -m 256\n  -nic user,model=virtio-net-pci\n`,
    good: `${Q} -m 256 \\\n  -nic user,model=virtio-net-pci\n`,
    qemuRejects: /-nic: command not found/,
    fixAccepted: true,
  },
  {
    rule: 'QuoteInValue',
    bad: `${Q} -netdev "user,id=n0,hostfwd=\\"tcp:127.0.0.1:0-:22\\"" -device e1000,netdev=n0\n`,
    good: `${Q} -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:0-:22" -device e1000,netdev=n0\n`,
    qemuRejects: /Bad protocol name/,
  },
  { rule: 'QuoteInValue', bad: `${Q} -netdev user,id="'n0'" -device e1000,netdev=n0\n`, good: `${Q} -netdev user,id='n0' -device e1000,netdev=n0\n`, qemuRejects: /Parameter 'id' expects an identifier/ },
  {
    rule: 'LegacyNet',
    bad: `${Q} -m 256 \\\n  -net nic,model=virtio,macaddr=52:54:00:aa:00:01 \\\n  -net user,hostfwd=tcp:127.0.0.1:0-:22\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp:127.0.0.1:0-:22 -device virtio-net-pci,netdev=n0\n`,
    fixAccepted: true,
  },
  {
    rule: 'LegacyNet',
    bad: `${Q} -m 256 -net nic,model=virtio -net tap,ifname=tap0,script=no,downscript=no\n`,
    good: `${Q} -m 256 -net none\n`,
  },
  {
    rule: 'RemovedOption',
    bad: `${Q} -m 256 \\\n  -net nic,vlan=0,model=virtio -net user,vlan=0,hostfwd=tcp:127.0.0.1:0-:22 \\\n  -net nic,vlan=1,model=e1000 -net user,vlan=1\n`,
    good: `${Q} -m 256 -net nic,model=virtio -net user\n`,
    qemuRejects: /Invalid parameter 'vlan'/,
    fixAccepted: true,
  },
  {
    rule: 'RemovedOption',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -tftp /srv/tftp\n`,
    good: `${Q} -netdev user,id=n0,tftp=/srv/tftp -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /-tftp: invalid option/,
    fixAccepted: true,
  },
  {
    rule: 'RemovedOption',
    bad: `${Q} -net nic -net user,name=u0\n`,
    good: `${Q} -net nic -net user,id=u0\n`,
    qemuRejects: /Invalid parameter 'name'/,
    fixAccepted: true,
  },
  { rule: 'RemovedOption', bad: `${Q} -nic user -net dump,file=/dev/null\n`, good: `${Q} -nic user\n`, qemuRejects: /does not accept value 'dump'/ },
  {
    rule: 'PciAssign',
    bad: `${Q} -device pci-assign,host=00:15.0,prefer_msi=on\n`,
    good: `${Q} -device vfio-pci,host=0000:00:15.0\n`,
    qemuRejects: /'pci-assign' is not a valid device model name/,
    fixAccepted: /no such host device/,
  },
  {
    rule: 'Redir',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -redir tcp:0::22\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp::0-:22 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /-redir: invalid option/,
    fixAccepted: true,
  },
  { rule: 'Redir', bad: `${Q} -m 256 -redir udp:0::53\n`, good: `${Q} -nic user\n`, qemuRejects: /-redir: invalid option/, fixAccepted: true },
  {
    rule: 'HostfwdMalformed',
    bad: `${Q} -netdev user,id=n0,hostfwd=tcp:0-:22 -device virtio-net-pci,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0,hostfwd=tcp::0-:22 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /Bad host address/,
    fixAccepted: true,
  },
  {
    rule: 'HostfwdMalformed',
    bad: `${Q} -nic 'user,hostfwd=tcp:127.0.0.1:0:22'\n`,
    good: `${Q} -nic 'user,hostfwd=tcp:127.0.0.1:0-:22'\n`,
    qemuRejects: /Bad host port separator/,
    fixAccepted: true,
  },
  {
    rule: 'NetdevIdDuplicate',
    bad: `${Q} -netdev user,id=n0 -netdev user,id=n0 -device e1000,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0 -netdev user,id=n1 -device e1000,netdev=n0 -device e1000,netdev=n1\n`,
    qemuRejects: /Duplicate ID 'n0'/,
  },
  {
    // Array elements per branch: only one alternative of the if (or case) runs, so the ids never meet.
    rule: 'NetdevIdDuplicate',
    bad: `NET=()\nif [ -d /proc ]; then\n  NET+=(-netdev user,id=n0)\nfi\nNET+=(-netdev user,id=n0)\n${Q} "\${NET[@]}" -device e1000,netdev=n0\n`,
    good: `NET=()\nif [ -d /nonexistent ]; then\n  NET+=(-netdev user,id=n0)\nelif [ -d /proc ]; then\n  NET+=(-netdev user,id=n0,hostfwd=tcp:127.0.0.1:0-:22)\nelse\n  NET+=(-netdev user,id=n0)\nfi\ncase \"$1\" in\n  x) NET+=(-device e1000,netdev=n0,mac=52:54:00:00:00:01) ;;\n  *) NET+=(-device e1000,netdev=n0,mac=52:54:00:00:00:01) ;;\nesac\n${Q} "\${NET[@]}"\n`,
    qemuRejects: /Duplicate ID 'n0'/,
  },
  {
    // JSON option values (libvirt since QEMU 6) are read as JSON, not as key=value lists.
    rule: 'NetdevIdMissing',
    bad: `${Q} -netdev '{"type":"user"}'\n`,
    good: `${Q} -netdev '{"type":"user","id":"hostnet0"}' -device '{"driver":"virtio-net-pci","netdev":"hostnet0","mac":"52:54:00:aa:00:09"}'\n`,
    qemuRejects: /Parameter 'id' is missing/,
  },
  { rule: 'NetdevIdMissing', bad: `${Q} -netdev user\n`, good: `${Q} -netdev user,id=a -device e1000,netdev=a\n`, qemuRejects: /Parameter 'id' is missing/ },
  {
    rule: 'NetdevNotFound',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -device virtio-net-pci,netdev=nope\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /can't find value 'nope'/,
  },
  { rule: 'NetdevUnused', bad: `${Q} \\\n  -netdev user,id=n0\n`, good: `${Q} -netdev user,id=n0 -device e1000,netdev=n0\n`, fixAccepted: true },
  {
    rule: 'MacMalformed',
    bad: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:5\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57\n`,
    qemuRejects: /doesn't take value '52:54:00:12:34:5'/,
    fixAccepted: true,
  },
  {
    rule: 'MacMulticast',
    bad: `${Q} -net nic,macaddr=01:00:5e:00:00:01 -net user\n`,
    good: `${Q} -net nic,macaddr=02:00:5e:00:00:01 -net user\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacDuplicate',
    bad: `${Q} -netdev user,id=a -device e1000,netdev=a,mac=52:54:00:00:00:01 -netdev user,id=b -device e1000,netdev=b,mac=52:54:00:00:00:01\n`,
    good: `${Q} -netdev user,id=a -device e1000,netdev=a,mac=52:54:00:00:00:01 -netdev user,id=b -device e1000,netdev=b,mac=52:54:00:00:00:02\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacQemuDefault',
    bad: `${Q} -nic user,model=virtio-net-pci,mac=52:54:00:12:34:56\n`,
    good: `${Q} -nic user,model=virtio-net-pci,mac=52:54:00:12:34:58\n`,
    fixAccepted: true,
  },
  {
    rule: 'MacImplicit',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=t0\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -nic user -net nic -net user\n`,
    fixAccepted: true,
  },
  {
    // A variable named like a MAC inside the value may bring its own ,mac= (quickemu's model=${NET_DEVICE}${MAC}).
    rule: 'MacImplicit',
    bad: `${Q} -nic bridge,br=br0,model=virtio-net-pci\n`,
    good: `MAC=,mac=52:54:00:aa:00:07\n${Q} -nic bridge,br=br0,model=virtio-net-pci\${MAC}\n`,
  },
  { rule: 'MacImplicit', bad: `${Q} -nic tap,ifname=tap1,script=no,downscript=no\n`, good: `${Q} -nic tap,ifname=tap1,script=no,downscript=no,mac=52:54:00:aa:00:01\n`, fixAccepted: true },
  {
    rule: 'MacImplicit',
    bad: `${Q} -net nic,model=virtio -net tap,ifname=tap2,script=no,downscript=no\n`,
    good: `${Q} -net nic,model=virtio,macaddr=52:54:00:aa:00:02 -net tap,ifname=tap2,script=no,downscript=no\n`,
    fixAccepted: true,
  },
  {
    // Not run: vhost=on aborts QEMU on machines without /dev/vhost-net (these test machines).
    rule: 'VhostNonVirtio',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no,vhost=on -device e1000,netdev=t0\n`,
    good: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no,vhost=on -device virtio-net-pci,netdev=t0\n`,
  },
  {
    rule: 'TapScriptMissing',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=/nonexistent/kvmnet-ifup,downscript=no -device virtio-net-pci,netdev=t0\n`,
    good: `${Q} -netdev tap,id=t0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=t0\n`,
    qemuRejects: /network script \/nonexistent\/kvmnet-ifup failed/,
  },
  {
    // Not executable here: QEMU fails on this machine (an error). Created by the script itself first: there.
    rule: 'TapScriptMissing',
    bad: `${Q} -netdev tap,id=t0,ifname=tap0,script=/proc/version,downscript=no -device virtio-net-pci,netdev=t0\n`,
    good: `cat > ./ifup-made <<'EOF'\n#!/bin/sh\nEOF\nchmod +x ./ifup-made\ninstall -m 755 /dev/null ifdown-made\n${Q} -netdev tap,id=t0,ifname=tap0,script=./ifup-made,downscript=ifdown-made -device virtio-net-pci,netdev=t0\n`,
    qemuRejects: /network script \/proc\/version failed with status 256/,
  },
  {
    rule: 'FdNotOpen',
    bad: `${Q} -netdev tap,id=t0,fd=7 -device virtio-net-pci,netdev=t0\n`,
    good: `exec 7<>/dev/net/tun\n${Q} -netdev tap,id=t0,fd=7 -device virtio-net-pci,netdev=t0\n`,
    qemuRejects: /FD 7/,
  },
  {
    // bash ends the QEMU command at the CR-escaping backslash, so QEMU starts without the next lines' options and
    // the next line runs as a command of its own.
    rule: 'CrlfLineEndings',
    bad: `#!/bin/sh\r\n${Q} -netdev user,id=n0 \\\r\n  -device virtio-net-pci,netdev=n0\r\n`,
    good: `#!/bin/sh\n${Q} -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0\n`,
    qemuRejects: /-device: (command )?not found|\$'\\r'/,
    fixAccepted: true,
  },
  {
    rule: 'EmulatedNic',
    bad: `${Q} -netdev user,id=n0 -device rtl8139,netdev=n0\n`,
    good: `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0\n`,
    fixAccepted: true,
  },
];
