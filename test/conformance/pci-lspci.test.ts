import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { localPciIds } from '../../src/core/pci/ids';
import { parseLspciMmLine } from '../../src/core/pci/lspci';
import { CORPUS, corpusMissing } from './pci-corpus';

const DIR = path.join(CORPUS, 'lspci/rendered-from-pciutils-tests');

/** `lspci -vmm` records of the same dump: an independent rendering to check the -mm -nn parser against. */
function vmmRecords(text: string): Map<string, Record<string, string>> {
  const m = new Map<string, Record<string, string>>();
  for (const block of text.split(/\n\s*\n/)) {
    const rec: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const i = line.indexOf(':\t');
      if (i > 0) rec[line.slice(0, i)] = line.slice(i + 2);
    }
    if (rec.Slot) m.set(rec.Slot, rec);
  }
  return m;
}

test('lspci -mm -nn lines from real pciutils dumps: names agree with -vmm and with the local pci.ids', (t) => {
  const missing = corpusMissing('lspci/rendered-from-pciutils-tests');
  if (missing) return t.skip(missing);
  const ids = localPciIds();
  assert.ok(ids, 'no local pci.ids: install the Debian package pciutils (pci.ids)');
  let lines = 0;
  let named = 0;
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.mmnn.txt'))) {
    const vmm = vmmRecords(readFileSync(path.join(DIR, f.replace('.mmnn.txt', '.vmm.txt')), 'utf8'));
    for (const line of readFileSync(path.join(DIR, f), 'utf8').split('\n').filter(Boolean)) {
      lines++;
      const p = parseLspciMmLine(line);
      assert.ok(p, `${f}: unparsed line ${line}`);
      const slot = line.split(' ')[0]!;
      const rec = vmm.get(slot);
      assert.ok(rec, `${f}: ${slot} missing from -vmm`);
      assert.ok(p.vendorId && p.deviceId && p.classId, `${f}: ${slot} ids`);
      // lspci prints its placeholders ("Device 1234") where pci.ids has no name; the parser leaves those out.
      if (p.deviceName) {
        assert.equal(p.deviceName, rec.Device, `${f}: ${slot} device name`);
        assert.equal(ids.device(p.vendorId, p.deviceId), p.deviceName, `${f}: ${slot} pci.ids device`);
        named++;
      } else assert.equal(ids.device(p.vendorId, p.deviceId), undefined, `${f}: ${slot} unnamed by lspci but named by pci.ids`);
      if (p.vendorName) {
        assert.equal(p.vendorName, rec.Vendor);
        assert.equal(ids.vendor(p.vendorId), p.vendorName);
      }
      if (p.className) assert.equal(ids.className(p.classId), p.className, `${f}: ${slot} class`);
    }
  }
  assert.ok(lines > 100 && named > 100, `${lines} lines, ${named} named`);
});
