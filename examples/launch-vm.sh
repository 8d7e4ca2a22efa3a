#!/bin/sh
# Starts the guest by hand, the way older guides show it. Several of these forms are legacy
# (-net nic/-net user, pci-assign, ifconfig): KVM Networking flags them and offers modern replacements.
set -eu

IMAGE=/var/lib/libvirt/images/web01.qcow2
MACADDR=52:54:00:6a:3c:10

# The host side of the bridge, configured the old way
ifconfig eth0 192.168.0.6 netmask 255.255.255.0 up

exec qemu-system-x86_64 \
  -enable-kvm \
  -m 2048 -smp 2 \
  -drive file="$IMAGE",if=virtio,format=qcow2 \
  -net nic,model=e1000 -net user,hostfwd=tcp::2222-:22 \
  -net nic,macaddr=$MACADDR,model=virtio -net tap,script=/etc/qemu-ifup \
  -device pci-assign,host=09:10.1 \
  -display none -serial mon:stdio
