import type { BundleRecord } from '@jobserver/persistence';
import type { BundleVersionResponse } from './dto/bundle-version.response';

export function toBinariesResponse(bundles: BundleRecord[]): Record<string, object> {
  return Object.fromEntries(
    bundles.map((b) => [b.appName, { 'binary-type': b.binaryType, 'upload-time': b.uploadTime.toISOString() }]),
  );
}

export function toJarsResponse(bundles: BundleRecord[]): Record<string, string> {
  return Object.fromEntries(bundles.map((b) => [b.appName, b.uploadTime.toISOString()]));
}

export function toBinaryResponse(b: BundleRecord): BundleVersionResponse {
  return {
    'app-name': b.appName,
    'binary-type': b.binaryType,
    'upload-time': b.uploadTime.toISOString(),
    sha256: b.sha256,
    size: b.size,
    owner: b.owner ?? null,
  };
}
