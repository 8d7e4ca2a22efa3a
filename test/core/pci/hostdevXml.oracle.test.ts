import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { demoSnapshot } from '../../../src/core/host/demo';
import { hostdevXml } from '../../../src/core/pci/hostdevXml';
import { which } from '../host/sshd';

const demo = demoSnapshot();
const dev = (bdf: string) => demo.devices.find((d) => d.bdf === bdf)!;

test('a PF or ordinary device becomes a managed PCI hostdev with 0x hex address', () => {
  assert.equal(
    hostdevXml(dev('0000:65:00.0')),
    "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/>\n  </source>\n</hostdev>",
  );
});

test("a VF becomes <interface type='hostdev'>; indentation follows the cursor line", () => {
  assert.equal(
    hostdevXml(dev('0000:3b:02.3'), '    '),
    "<interface type='hostdev' managed='yes'>\n      <source>\n        <address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x3'/>\n      </source>\n    </interface>",
  );
});

test('virt-xml-validate accepts a domain with every demo device inserted', () => {
  const validate = which('virt-xml-validate', 'libvirt-clients');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-hostdev-'));
  try {
    const file = path.join(dir, 'domain.xml');
    const devices = demo.devices.map((d) => hostdevXml(d, '    ')).join('\n    ');
    writeFileSync(
      file,
      `<domain type='kvm'>\n  <name>t</name>\n  <memory unit='MiB'>512</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n    ${devices}\n  </devices>\n</domain>\n`,
    );
    const r = spawnSync(validate, [file, 'domain'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
