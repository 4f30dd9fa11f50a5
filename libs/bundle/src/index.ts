export { InvalidBundle, type BundleInfo, type BundleType } from './bundle.types';
export { inspectBundle, bundleSha256 } from './bundle.inspect';
export { extractBundle, writeBundle, type WrittenBundle } from './bundle.extract';
export { bundleManifest, verifyBundleFolder, type BundleManifest } from './bundle.manifest';
