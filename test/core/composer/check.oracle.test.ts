import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkComposed, wrapInDomain } from '../../../src/core/composer/check';
import { compose } from '../../../src/core/composer/compose';
import { COMPOSER_MODES, defaultFormState, type FormState } from '../../../src/core/composer/state';
import { demoSnapshot } from '../../../src/core/host/demo';
import { virtXmlValidate } from '../xml/oracle';

const base = defaultFormState();
const demo = demoSnapshot();
const inline = { schemaThread: 'inline' as const };
const forMode = (mode: FormState['mode']): FormState => ({ ...base, mode, pci: { bdf: '0000:3b:00.1' }, sriov: { vf: '0000:3b:02.2', vlan: '7' } });

test('every mode passes the shared libvirt and launch-script checkers without an error', async () => {
  for (const mode of COMPOSER_MODES) {
    const r = compose(forMode(mode), { snapshot: demo });
    const checked = await checkComposed(r, inline);
    assert.deepEqual(checked.errors, [], mode);
  }
});

test('their advice reaches the notes, tagged with the side it is about', async () => {
  const e1000 = await checkComposed(compose({ ...base, model: 'e1000' }), inline);
  assert.ok(e1000.notes.some((n) => /^libvirt: model 'e1000' is an emulated NIC/.test(n)), e1000.notes.join('\n'));
  assert.ok(e1000.notes.some((n) => /^QEMU: e1000 is an emulated NIC/.test(n)), e1000.notes.join('\n'));
  const macvtap = await checkComposed(compose({ ...base, mode: 'macvtap' }), inline);
  assert.ok(macvtap.notes.some((n) => /^libvirt: macvtap in bridge mode: .*host and guest cannot reach each other/.test(n)));
});

test('nothing is checked while the form has errors', async () => {
  assert.deepEqual(await checkComposed(compose({ ...base, mac: 'zz' }), inline), { errors: [], notes: [] });
});

test('wrapInDomain gives a domain libvirt accepts around a device', () => {
  const v = virtXmlValidate(wrapInDomain(compose(base).xml));
  assert.ok(v.ok, v.output);
});
