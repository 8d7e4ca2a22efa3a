// The network facts the convert conformance compares (libvirt's .args against ours): what QEMU makes of the words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netFacts } from '../../../src/core/convert/netFacts';

test('-nic none is no NIC (it only turns off the default one); -net none likewise', () => {
  assert.deepEqual(netFacts(['-nic', 'none']).nics, []);
  assert.deepEqual(netFacts(['-net', 'none']).nics, []);
});

test('-nic, -netdev/-device and a legacy hub each make one NIC with its backend, model and MAC', () => {
  assert.deepEqual(netFacts(['-nic', 'user,model=virtio,mac=52:54:00:AA:00:01']).nics, [{ backend: 'user', model: 'virtio-net-pci', mac: '52:54:00:aa:00:01', forwards: [] }]);
  assert.deepEqual(netFacts(['-netdev', 'tap,id=n0', '-device', 'e1000,netdev=n0']).nics, [{ backend: 'tap', model: 'e1000', forwards: [] }]);
  assert.deepEqual(netFacts(['-net', 'nic,model=rtl8139', '-net', 'user']).nics, [{ backend: 'user', model: 'rtl8139', forwards: [] }]);
});
