// Script → libvirt domain XML, checked by libvirt's schema and parser (virt-xml-validate, virsh test:///default).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ConvertError, scriptToDomain } from '../../../src/core/convert/scriptToXml';
import { libvirtAccepts, requireLibvirtClients } from './oracles';

before(requireLibvirtClients);

const FULL = `#!/bin/sh
ip link add link eth0 name mvt0 type macvtap mode bridge
ip tuntap add dev tap1 mode tap
ip link set dev tap1 master br0 up
exec qemu-system-x86_64 -enable-kvm -name web1 -m 2G -smp 4,sockets=1,cores=2,threads=2 -M q35 -cpu Skylake-Client,+avx2,-hle \\
  -drive file=/var/lib/img/disk.qcow2,format=qcow2,if=virtio -cdrom /isos/debian.iso \\
  -netdev user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-:53 -device virtio-net-pci,netdev=n0 \\
  -netdev tap,id=t0,ifname=tap0,script=no,downscript=no -device e1000,netdev=t0,mac=52:54:00:aa:bb:cc \\
  -netdev tap,id=t1,ifname=tap1,script=no,downscript=no,vhost=on -device virtio-net-pci,netdev=t1,mac=52:54:00:aa:bb:cd \\
  -netdev tap,id=t2,script=/etc/qemu-ifup-lab -device rtl8139,netdev=t2,mac=52:54:00:aa:bb:ce \\
  -netdev tap,id=m0,fd=3 -device virtio-net-pci,netdev=m0,mac=52:54:00:11:22:33 \\
  -device vfio-pci,host=03:00.1 -vga std 3<>/dev/tap$(cat /sys/class/net/mvt0/ifindex)
`;

const notesOf = (r: ReturnType<typeof scriptToDomain>): string[] => r.notes.map((n) => `${n.severity}: ${n.message}`);

describe('script → libvirt domain XML', () => {
  test('a full script: guest basics and every network kind; libvirt accepts it', () => {
    const r = scriptToDomain(FULL, { scriptPath: '/lab/web.sh' });
    const v = libvirtAccepts(r.xml.replace("<backend type='passt'/>", ''));
    assert.ok(v.ok, `${v.output}\n${r.xml}`);
    const x = r.xml;
    assert.match(x, /<domain type='kvm'>/);
    assert.match(x, /<name>web1<\/name>/);
    assert.match(x, /<memory unit='KiB'>2097152<\/memory>/);
    assert.match(x, /<vcpu placement='static'>4<\/vcpu>/);
    assert.match(x, /<type arch='x86_64' machine='q35'>hvm<\/type>/);
    assert.match(x, /<model fallback='forbid'>Skylake-Client<\/model>\s*<topology sockets='1' dies='1' cores='2' threads='2'\/>\s*<feature policy='require' name='avx2'\/>\s*<feature policy='disable' name='hle'\/>/);
    assert.match(x, /<source file='\/var\/lib\/img\/disk.qcow2'\/>\s*<target dev='vda' bus='virtio'\/>/);
    assert.match(x, /device='cdrom'>[\s\S]*<target dev='sdc' bus='sata'\/>/);
    // user + forwards through passt; the implicit MAC made explicit.
    assert.match(x, /<interface type='user'>\s*<mac address='52:54:00:12:34:56'\/>\s*<portForward proto='tcp' address='127.0.0.1'>\s*<range start='2222' to='22'\/>\s*<\/portForward>\s*<portForward proto='udp'>\s*<range start='5353' to='53'\/>\s*<\/portForward>\s*<backend type='passt'\/>\s*<model type='virtio'\/>/);
    assert.match(x, /<interface type='ethernet'>\s*<mac address='52:54:00:aa:bb:cc'\/>\s*<target dev='tap0' managed='no'\/>\s*<model type='e1000'\/>/);
    assert.match(x, /<interface type='bridge'>\s*<mac address='52:54:00:aa:bb:cd'\/>\s*<source bridge='br0'\/>\s*<target dev='tap1'\/>\s*<driver name='vhost'\/>/);
    assert.match(x, /<interface type='ethernet'>\s*<mac address='52:54:00:aa:bb:ce'\/>\s*<script path='\/etc\/qemu-ifup-lab'\/>\s*<downscript path='\/etc\/qemu-ifdown'\/>\s*<model type='rtl8139'\/>/);
    assert.match(x, /<interface type='direct'>\s*<mac address='52:54:00:11:22:33'\/>\s*<source dev='eth0' mode='bridge'\/>\s*<target dev='mvt0'\/>\s*<driver name='qemu'\/>/);
    assert.match(x, /<hostdev mode='subsystem' type='pci' managed='yes'>\s*<driver name='vfio'\/>\s*<source>\s*<address domain='0x0000' bus='0x03' slot='0x00' function='0x1'\/>/);
    const notes = notesOf(r);
    assert.ok(notes.some((n) => /^info: port forwards need the passt backend/.test(n)));
    assert.ok(notes.some((n) => /^info: implicit MAC made explicit: QEMU gives this NIC 52:54:00:12:34:56/.test(n)));
    const vga = r.notes.find((n) => /not translated: -vga std/.test(n.message));
    assert.equal(FULL.slice(vga!.span.start, vga!.span.end), '-vga std', 'the note points at the option');
  });

  test('legacy -net forms convert like -netdev; the default MAC sequence follows QEMU', () => {
    const r = scriptToDomain('qemu-system-x86_64 -m 512 -net nic,model=virtio -net user,hostfwd=tcp::8080-:80 -net nic,vlan=1 -net tap,vlan=1,ifname=tap9,script=no\n');
    assert.ok(libvirtAccepts(r.xml.replace("<backend type='passt'/>", '')).ok);
    assert.match(r.xml, /<interface type='user'>\s*<mac address='52:54:00:12:34:56'\/>[\s\S]*<model type='virtio'\/>/);
    assert.match(r.xml, /<interface type='ethernet'>\s*<mac address='52:54:00:12:34:57'\/>\s*<target dev='tap9' managed='no'\/>\s*<downscript path='\/etc\/qemu-ifdown'\/>\s*<model type='e1000'\/>/, 'QEMU runs its default downscript');
    assert.deepEqual(r.notes.filter((n) => n.severity === 'warning'), []);
  });

  test('what does not map is a located note, never a guess', () => {
    const text = 'qemu-system-x86_64 -m $MEM -netdev socket,id=s0,fd=4 -device e1000,netdev=s0 -netdev tap,id=x,fd=5 -device e1000,netdev=x,mac=$MAC -device vfio-pci,host=$BDF "$@"\n';
    const r = scriptToDomain(text);
    const warn = r.notes.filter((n) => n.severity === 'warning').map((n): [string, string] => [n.message, text.slice(n.span.start, n.span.end)]);
    assert.ok(warn.some(([m, at]) => /MEM/.test(m) && at === '$MEM'), JSON.stringify(warn));
    assert.ok(warn.some(([m]) => /socket fd= \(a socket opened outside the script\)/.test(m)));
    assert.ok(warn.some(([m]) => /tap fd=5: no 'ip link add … type macvtap' line/.test(m)));
    assert.ok(warn.some(([m]) => /host=\$BDF is only known when the script runs/.test(m)));
    assert.ok(warn.some(([, at]) => at === '"$@"'));
    assert.doesNotMatch(r.xml, /<interface|<hostdev/);
    assert.ok(libvirtAccepts(r.xml).ok);
  });

  test('socket, vhost-user and vDPA backends: server/client/mcast/udp, vhostuser with shared memory, vdpa; libvirt accepts them', () => {
    const text = `qemu-system-x86_64 -m 1G -machine q35,memory-backend=mem -object memory-backend-file,id=mem,size=1G,mem-path=/dev/shm,share=on \\
  -netdev socket,id=s0,listen=:1234 -device e1000,netdev=s0,mac=52:54:00:00:01:01 \\
  -netdev socket,id=s1,connect=10.0.0.5:1234 -device rtl8139,netdev=s1,mac=52:54:00:00:01:02 \\
  -netdev socket,id=s2,mcast=230.0.0.1:1234 -device virtio-net-pci,netdev=s2,mac=52:54:00:00:01:03 \\
  -netdev socket,id=s3,udp=10.0.0.2:5555,localaddr=10.0.0.1:5556 -device virtio-net-pci,netdev=s3,mac=52:54:00:00:01:04 \\
  -chardev socket,id=c0,path=/run/vhu0.sock -netdev vhost-user,id=v0,chardev=c0,queues=4 -device virtio-net-pci,netdev=v0,mac=52:54:00:00:01:05,mq=on,vectors=10 \\
  -chardev socket,id=c1,path=/run/vhu1.sock,server=on,wait=off -netdev vhost-user,id=v1,chardev=c1 -device virtio-net-pci,netdev=v1,mac=52:54:00:00:01:06 \\
  -chardev socket,id=c2,path=/run/vhu2.sock,reconnect=10 -netdev vhost-user,id=v2,chardev=c2 -device virtio-net-pci,netdev=v2,mac=52:54:00:00:01:07 \\
  -netdev vhost-vdpa,id=d0,vhostdev=/dev/vhost-vdpa-0 -device virtio-net-pci,netdev=d0,mac=52:54:00:00:01:08
`;
    const r = scriptToDomain(text);
    assert.deepEqual(r.notes.filter((n) => n.severity !== 'info').map((n) => n.message), []);
    const v = libvirtAccepts(r.xml);
    assert.ok(v.ok, `${v.output}\n${r.xml}`);
    const x = r.xml;
    assert.match(x, /<memoryBacking>\s*<source type='file'\/>\s*<access mode='shared'\/>\s*<\/memoryBacking>/);
    assert.match(x, /<interface type='server'>\s*<mac address='52:54:00:00:01:01'\/>\s*<source port='1234'\/>\s*<model type='e1000'\/>/);
    assert.match(x, /<interface type='client'>\s*<mac address='52:54:00:00:01:02'\/>\s*<source address='10.0.0.5' port='1234'\/>/);
    assert.match(x, /<interface type='mcast'>\s*<mac address='52:54:00:00:01:03'\/>\s*<source address='230.0.0.1' port='1234'\/>/);
    assert.match(x, /<interface type='udp'>\s*<mac address='52:54:00:00:01:04'\/>\s*<source address='10.0.0.2' port='5555'>\s*<local address='10.0.0.1' port='5556'\/>/);
    assert.match(x, /<interface type='vhostuser'>\s*<mac address='52:54:00:00:01:05'\/>\s*<source type='unix' path='\/run\/vhu0.sock' mode='client'\/>\s*<driver queues='4'\/>\s*<model type='virtio'\/>/);
    assert.match(x, /<source type='unix' path='\/run\/vhu1.sock' mode='server'\/>/);
    assert.match(x, /<source type='unix' path='\/run\/vhu2.sock' mode='client'>\s*<reconnect enabled='yes' timeout='10'\/>/);
    assert.match(x, /<interface type='vdpa'>\s*<mac address='52:54:00:00:01:08'\/>\s*<source dev='\/dev\/vhost-vdpa-0'\/>/);
  });

  test('vhost-user without shared memory: the domain gets it, and says so', () => {
    const r = scriptToDomain('qemu-system-x86_64 -m 512 -chardev socket,id=c0,path=/run/vhu0.sock -netdev vhost-user,id=v0,chardev=c0 -device virtio-net-pci,netdev=v0\n');
    assert.match(r.xml, /<memoryBacking>\s*<access mode='shared'\/>/);
    assert.ok(r.notes.some((n) => n.severity === 'info' && /vhost-user needs the guest RAM shared/.test(n.message)));
    assert.ok(libvirtAccepts(r.xml).ok);
  });

  test('a script without network options gets QEMU\'s default user NIC made explicit', () => {
    const r = scriptToDomain('kvm -m 1G -hda /img/a.raw\n');
    assert.match(r.xml, /<interface type='user'>\s*<mac address='52:54:00:12:34:56'\/>\s*<model type='e1000'\/>/);
    assert.ok(libvirtAccepts(r.xml).ok);
  });

  test('no invocation, several invocations, a wrong index: a clear error', () => {
    assert.throws(() => scriptToDomain('echo hi\n'), (e) => e instanceof ConvertError && /no QEMU invocation/.test(e.message));
    const two = 'qemu-system-x86_64 -m 1G\nqemu-system-x86_64 -m 2G\n';
    assert.throws(() => scriptToDomain(two), /2 QEMU invocations: choose one/);
    assert.throws(() => scriptToDomain(two, { invocation: 2 }), /invocation 3 does not exist/);
    assert.match(scriptToDomain(two, { invocation: 1 }).xml, /2097152/);
  });
});
