import type Sh from 'mvdan-sh';

let loaded: typeof Sh | undefined;

/**
 * mvdan-sh, loaded on first use: the GopherJS build is a megabyte that initialises for ~50 ms, which a
 * `kvmnet lint` of one XML file (and the XML side of the lint worker) never needs.
 */
export const sh = {
  get syntax(): typeof Sh.syntax {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above); esbuild bundles it
    loaded ??= require('mvdan-sh') as typeof Sh;
    return loaded.syntax;
  },
};
