/** A minimal valid libvirt domain with an empty <devices>, for tests that insert devices into it. */
export const MINIMAL_DOMAIN = `<domain type='kvm'>
  <name>vm1</name>
  <memory unit='MiB'>512</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
</domain>
`;
