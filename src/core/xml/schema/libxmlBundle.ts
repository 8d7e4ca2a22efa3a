// Entry of dist/libxml2.mjs: libxml2-wasm as one ESM file the CommonJS bundles load at run time
// (its top-level await cannot be bundled into CommonJS).
export * from 'libxml2-wasm';
export { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
