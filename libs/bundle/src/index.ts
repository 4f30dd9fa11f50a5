export { InvalidBundle, type BundleInfo, type BundleType } from './bundle.types';
export { inspectBundle, bundleSha256 } from './bundle.inspect';
export { extractBundle } from './bundle.extract';
