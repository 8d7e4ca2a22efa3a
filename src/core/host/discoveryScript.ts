/**
 * The read-only POSIX sh script that discovery sends on stdin to `sh -s` (locally) or
 * `ssh HOST sh -s`. It reads sysfs and /proc, never writes, and prints one fact per
 * line: `KIND<TAB>key…<TAB>value` (the value is the rest of the line, so a tab inside
 * it cannot shift fields). The only input is `$1`, an optional root prefix used by tests
 * to run it over a sysfs fixture tree; nothing is ever interpolated into this text.
 * Works with dash and busybox ash (the lab VM has no lspci, no bash).
 */
export const DISCOVERY_FORMAT_VERSION = 1;

// Written as String.raw so printf escapes stay literal; `\${` keeps JS from interpolating.
const RAW = String.raw`
R=\${1:-}
LC_ALL=C
export LC_ALL
echo "KVMNET-DISCOVERY 1"
rd() { v=; [ -r "$1" ] && { IFS= read -r v < "$1" || :; } 2>/dev/null; }
lnk() { t=; [ -L "$1" ] && t=$(readlink "$1" 2>/dev/null) && t=\${t##*/}; }
sys() { printf 'S\t%s\t%s\n' "$1" "$2"; }

rd "$R/proc/sys/kernel/hostname"; [ -n "$v" ] && sys hostname "$v"
rd "$R/proc/sys/kernel/osrelease"; [ -n "$v" ] && sys kernel "$v"
rd "$R/proc/cmdline"; [ -r "$R/proc/cmdline" ] && sys cmdline "$v"
if [ -r "$R/proc/cpuinfo" ]; then
  while IFS= read -r l; do
    case $l in flags*:*) sys cpuflags "\${l#*:}"; break ;; esac
  done < "$R/proc/cpuinfo"
fi
if [ -r "$R/proc/modules" ]; then
  sys modules-readable 1
  while read -r m _; do sys module "$m"; done < "$R/proc/modules"
fi
rd "$R/proc/sys/kernel/osrelease"; rel=$v
if [ -n "$rel" ] && [ -r "$R/lib/modules/$rel/modules.builtin" ]; then
  sys builtin-readable 1
  while IFS= read -r m; do m=\${m##*/}; sys builtin "\${m%.ko*}"; done < "$R/lib/modules/$rel/modules.builtin"
fi
for p in /dev/kvm /dev/vhost-net /dev/net/tun /dev/vfio/vfio; do
  if [ -r "$R$p" ] && [ -w "$R$p" ]; then sys devnode "rw $p"; elif [ -e "$R$p" ]; then sys devnode "1 $p"; else sys devnode "0 $p"; fi
done
if [ -d "$R/sys/class/iommu" ]; then
  sys iommu-readable 1
  for i in "$R"/sys/class/iommu/*; do [ -e "$i" ] && sys iommu "\${i##*/}"; done
fi
if [ -d "$R/sys/kernel/iommu_groups" ]; then
  n=0
  for g in "$R"/sys/kernel/iommu_groups/*; do
    [ -d "$g" ] || continue
    n=$((n + 1))
    for m in "$g"/devices/*; do { [ -e "$m" ] || [ -L "$m" ]; } && printf 'G\t%s\t%s\n' "\${g##*/}" "\${m##*/}"; done
  done
  sys iommu-groups "$n"
fi
rd "$R/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"; [ -n "$v" ] && sys unsafe-interrupts "$v"
if [ -r "$R/proc/net/route" ]; then
  while read -r i d _; do [ "$d" = 00000000 ] && sys default-route "$i"; done < "$R/proc/net/route"
fi
if [ -r "$R/proc/net/ipv6_route" ]; then
  while read -r d l _ _ _ _ _ _ _ i; do
    [ "$d$l" = 0000000000000000000000000000000000 ] && [ "$i" != lo ] && sys default-route "$i"
  done < "$R/proc/net/ipv6_route"
fi

for d in "$R"/sys/bus/pci/devices/*; do
  [ -e "$d" ] || continue
  b=\${d##*/}
  for k in class vendor device subsystem_vendor subsystem_device numa_node sriov_totalvfs sriov_numvfs driver_override; do
    [ -r "$d/$k" ] || continue
    rd "$d/$k"; printf 'D\t%s\t%s\t%s\n' "$b" "$k" "$v"
  done
  for k in driver iommu_group physfn; do lnk "$d/$k"; [ -n "$t" ] && printf 'D\t%s\t%s\t%s\n' "$b" "$k" "$t"; done
  for f in "$d"/virtfn*; do lnk "$f"; [ -n "$t" ] && printf 'D\t%s\t%s\t%s\n' "$b" "\${f##*/}" "$t"; done
  for f in "$d"/net/* "$d"/virtio*/net/*; do [ -e "$f" ] && printf 'D\t%s\tnet\t%s\n' "$b" "\${f##*/}"; done
done

for n in "$R"/sys/class/net/*; do
  [ -e "$n" ] || continue
  i=\${n##*/}
  printf 'N\t%s\tname\t%s\n' "$i" "$i"
  for k in address operstate; do [ -r "$n/$k" ] && { rd "$n/$k"; printf 'N\t%s\t%s\t%s\n' "$i" "$k" "$v"; }; done
  lnk "$n/master"; [ -n "$t" ] && printf 'N\t%s\tmaster\t%s\n' "$i" "$t"
  if [ -L "$n/device" ]; then t=$(readlink -f "$n/device" 2>/dev/null) && printf 'N\t%s\tdevice-path\t%s\n' "$i" "$t"; fi
  if [ -d "$n/bridge" ]; then
    printf 'N\t%s\tbridge\t1\n' "$i"
    for p in "$n"/brif/*; do [ -e "$p" ] && printf 'N\t%s\tport\t%s\n' "$i" "\${p##*/}"; done
  fi
  [ -e "$n/tun_flags" ] && printf 'N\t%s\tkind\ttun\n' "$i"
  if [ -r "$n/uevent" ]; then
    while IFS= read -r l; do case $l in DEVTYPE=*) printf 'N\t%s\tkind\t%s\n' "$i" "\${l#DEVTYPE=}" ;; esac; done < "$n/uevent"
  fi
done

# Live-host facts: skipped when running over a fixture tree.
if [ -z "$R" ]; then
  u=$(id -u 2>/dev/null) && { if [ "$u" = 0 ]; then sys root 1; else sys root 0; fi; }
  if command -v sudo >/dev/null 2>&1; then
    if sudo -n true </dev/null >/dev/null 2>&1; then sys sudo 1; else sys sudo 0; fi
  fi
  if [ -n "\${SSH_CONNECTION:-}" ]; then
    sys ssh-connection "$SSH_CONNECTION"
    set -- $SSH_CONNECTION
    sip=\${3:-}
    if [ -n "$sip" ] && command -v ip >/dev/null 2>&1; then
      ip -o addr show 2>/dev/null | while read -r _ i _ a _; do
        [ "\${a%/*}" = "$sip" ] && sys ssh-interface "\${i%:}"
      done
    fi
  fi
  for q in qemu-system-x86_64 qemu-kvm /usr/libexec/qemu-kvm; do
    if command -v "$q" >/dev/null 2>&1; then
      q=$("$q" --version 2>/dev/null </dev/null) && sys qemu "\${q%%
*}"
      break
    fi
  done
  if command -v virsh >/dev/null 2>&1; then q=$(virsh --version 2>/dev/null </dev/null) && sys libvirt "$q"; fi
  # libvirtd's socket, or virtqemud's when the host runs libvirt's modular daemons; 0 = looked, none there.
  q=0; for s in /run/libvirt/libvirt-sock /var/run/libvirt/libvirt-sock /run/libvirt/virtqemud-sock; do [ -S "$s" ] && q=1; done
  sys libvirt-socket "$q"
  # Guests and networks with their definitions: one virsh per object, each output line tagged with the
  # object's UUID by this script (so a definition cannot speak for another); UUIDs checked before use.
  if [ "$q" = 1 ] && command -v virsh >/dev/null 2>&1; then
    sys libvirt-uri qemu:///system
    set -f
    for k in V W; do
      if [ $k = V ]; then c=list; i=dominfo; x=dumpxml; f=guests; else c=net-list; i=net-info; x=net-dumpxml; f=networks; fi
      if l=$(virsh -q -c qemu:///system $c --all --uuid 2>&1 </dev/null); then
        n=0
        for u in $l; do
          case $u in *[!0-9a-f-]*) continue ;; esac
          n=$((n + 1))
          virsh -q -c qemu:///system "$i $u; $x $u" 2>/dev/null </dev/null | while IFS= read -r y || [ -n "$y" ]; do printf '%s\t%s\t%s\n' $k "$u" "$y"; done
        done
        sys libvirt-$f "$n"
      else
        printf '%s\n' "$l" | head -n 3 | while IFS= read -r y; do sys libvirt-error "$c: $y"; done
      fi
    done
    set +f
  fi
  if command -v dmesg >/dev/null 2>&1; then
    dmesg 2>/dev/null | grep -iE 'kvm|dmar|iommu|amd-vi|vfio|remapping' 2>/dev/null | tail -n 80 | while IFS= read -r l; do sys log "$l"; done
  fi
  if command -v lspci >/dev/null 2>&1; then
    lspci -mm -nn -D 2>/dev/null </dev/null | while IFS= read -r l; do printf 'L\t%s\n' "$l"; done
  fi
fi
echo "END"
`;

export const DISCOVERY_SCRIPT = RAW.replaceAll('\\${', '${');
