// Copies the README's screenshots from the last test run (test-results/, written by the real-editor
// tests) into docs/screenshots/. Run by hand after `npm test`; tests never write into the tree.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const shots = {
  'foundation-views.png': 'views.png',
  'demo.png': 'demo.png',
  'xml-lint-slot.png': 'xml-lint-slot.png',
  'devices-labvm-vfs.png': 'devices-labvm-vfs.png',
  'launch-script-lint.png': 'launch-script-lint.png',
  'composer-macvtap.png': 'composer-macvtap.png',
  'readiness-this-machine.png': 'readiness-this-machine.png',
  'explain-selection.png': 'explain-selection.png',
  'launch-script-commands-lenses.png': 'launch-script-lenses.png',
  'devices-libvirt-detach-confirm.png': 'devices-libvirt-detach-confirm.png',
  'guests-reveal-holder.png': 'guests-reveal-holder.png',
  'convert-launch-script.png': 'convert-launch-script.png',
  'definitions-dropped.png': 'definitions-dropped.png',
  'host-key-prompt.png': 'host-key-prompt.png',
  'xml-lint-host-interface.png': 'xml-lint-host-interface.png',
  'definitions-network.png': 'definitions-network.png',
};
let missing = 0;
for (const [from, to] of Object.entries(shots)) {
  const src = path.join(root, 'test-results', from);
  if (!existsSync(src)) {
    console.error(`missing ${src} (run npm test first)`);
    missing++;
    continue;
  }
  copyFileSync(src, path.join(root, 'docs', 'screenshots', to));
  console.log(`docs/screenshots/${to} ← test-results/${from}`);
}
process.exit(missing ? 1 : 0);
