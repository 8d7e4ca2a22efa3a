declare const KVMNET_VERSION: string | undefined;

/** package.json's version, defined by the build (scripts/build.mjs); '0.0.0-dev' when run from source. */
export function cliVersion(): string {
  return typeof KVMNET_VERSION === 'string' ? KVMNET_VERSION : '0.0.0-dev';
}
