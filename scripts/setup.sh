#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for building, running and testing
# KVM Networking: the oracle tools (libvirt schemas + virt-xml-validate, QEMU, lspci,
# OpenSSH), Chromium and code-server's build dependencies, then npm packages and a
# pinned code-server in .cache/. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # oracles and host tools the tests drive for real
  libvirt-clients libxml2-utils qemu-system-x86 pciutils openssh-server openssh-client iproute2 kmod sudo
  # the tiny-guest and lab-VM images; the lab VM's libvirtd (virsh nodedev-detach) and nvme-cli (VF online)
  busybox-static cpio libvirt-daemon-system nvme-cli
  # the real editor: Chromium for playwright-core, code-server's native build deps
  chromium build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep
  # the real pre-commit for the hook test (.pre-commit-hooks.yaml)
  pre-commit
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

node scripts/setup-code-server.mjs
