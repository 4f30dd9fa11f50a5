import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { extractBundle, type BundleType } from '@jobserver/bundle';
import type { ServerConfig } from '@jobserver/config';
import { BundleRepository } from '@jobserver/persistence';
import { SERVER_CONFIG } from '../infra/tokens';

/** Bundles on local disk by sha256, fetched from Postgres on first use. */
@Injectable()
export class BundleCacheService {
  private readonly entries = new Map<string, Promise<string>>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly bundles: BundleRepository,
  ) {}

  /** The absolute path of the bundle's entry module, ready for `import()`. */
  entryPath(sha256: string): Promise<string> {
    let entry = this.entries.get(sha256);
    if (!entry) {
      entry = this.fetch(sha256);
      this.entries.set(sha256, entry);
      entry.catch(() => this.entries.delete(sha256));
    }
    return entry;
  }

  private async fetch(sha256: string): Promise<string> {
    const bundle = await this.bundles.bySha(sha256);
    if (!bundle) throw new Error(`bundle ${sha256} is no longer stored (its app was deleted)`);
    const dir = path.resolve(this.config.bundleCacheDir, sha256);
    return extractBundle(bundle.bytes, { type: bundle.binaryType as BundleType, entry: bundle.entry }, dir);
  }
}
