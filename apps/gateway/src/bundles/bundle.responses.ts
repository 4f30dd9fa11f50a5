import type { BundleRecord } from '@jobserver/persistence';
import type { BinaryInfoResponse, BinarySummaryResponse } from './dto/bundle.response';

export function toBinariesResponse(bundles: BundleRecord[]): Record<string, BinarySummaryResponse> {
  return Object.fromEntries(
    bundles.map((b) => [b.appName, { 'binary-type': b.binaryType, 'upload-time': b.uploadTime.toISOString() }]),
  );
}

export function toJarsResponse(bundles: BundleRecord[]): Record<string, string> {
  return Object.fromEntries(bundles.map((b) => [b.appName, b.uploadTime.toISOString()]));
}

export function toBinaryResponse(b: BundleRecord): BinaryInfoResponse {
  return {
    'app-name': b.appName,
    'binary-type': b.binaryType,
    'upload-time': b.uploadTime.toISOString(),
    sha256: b.sha256,
    size: b.size,
    owner: b.owner ?? null,
  };
}
