// Bundles the machine's libvirt RelaxNG schemas (Debian's libvirt0 package) into dist/schemas, the
// fallback schema set used when a machine has no /usr/share/libvirt/schemas. Files are copied
// byte-for-byte, never edited; the package's copyright file and an LGPL notice go with them.
// Run by scripts/build.mjs; also runnable alone: node scripts/schemas.mjs [SRC_DIR]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const src = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : '/usr/share/libvirt/schemas';
const out = path.join(root, 'dist', 'schemas');

function debianVersion() {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libvirt0'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function bundleSchemas() {
  if (!existsSync(path.join(src, 'domain.rng'))) {
    console.warn(`schemas: ${src} has no domain.rng (install Debian's libvirt-clients); dist/schemas not bundled`);
    return false;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = readdirSync(src).filter((f) => f.endsWith('.rng'));
  for (const f of files) copyFileSync(path.join(src, f), path.join(out, f));
  const version = debianVersion();
  if (version) writeFileSync(path.join(out, 'LIBVIRT_VERSION'), `${version}\n`);
  const copyright = '/usr/share/doc/libvirt0/copyright';
  if (existsSync(copyright)) copyFileSync(copyright, path.join(out, 'COPYRIGHT.debian'));
  for (const lgpl of ['/usr/share/common-licenses/LGPL-2.1']) if (existsSync(lgpl)) copyFileSync(lgpl, path.join(out, 'LGPL-2.1'));
  writeFileSync(
    path.join(out, 'NOTICE'),
    `These RelaxNG schemas are libvirt's (https://libvirt.org), copied unmodified from
${src} of Debian's libvirt0 package${version ? ` version ${version}` : ''}.
libvirt is free software licensed under the GNU Lesser General Public License,
version 2.1 or (at your option) any later version (LGPL-2.1-or-later); see LGPL-2.1
and COPYRIGHT.debian (the package's copyright file) in this directory. The source
code is available from https://libvirt.org and from Debian (apt-get source libvirt).
KVM Networking only reads these files to validate libvirt XML.
`,
  );
  console.log(`schemas: ${files.length} files from ${src}${version ? ` (libvirt ${version})` : ''} → dist/schemas`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) bundleSchemas();
