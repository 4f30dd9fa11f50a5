import { Injectable } from '@nestjs/common';
import { bundleSha256, inspectBundle, InvalidBundle } from '@jobserver/bundle';
import { BundleRepository, JobRepository, type BundleRecord } from '@jobserver/persistence';
import { BundleInUse, BundleNotFound, InvalidBundleUpload } from '@jobserver/protocol';
import { assertName } from '../infra/names';

/** Uploads, lists and deletes bundles. */
@Injectable()
export class BundleService {
  constructor(
    private readonly bundles: BundleRepository,
    private readonly jobs: JobRepository,
  ) {}

  /** Stores a new version of `appName` after checking that the bytes are a loadable bundle. */
  async upload(appName: string, body: unknown): Promise<BundleRecord> {
    assertName(appName, 'app name', /^[A-Za-z0-9]/, 'start with a letter or digit');
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    let info;
    try {
      info = await inspectBundle(bytes);
    } catch (error) {
      if (error instanceof InvalidBundle) {
        throw new InvalidBundleUpload(`Binary is not of the right format: ${error.message}`);
      }
      throw error;
    }
    return this.bundles.save({
      appName,
      binaryType: info.type,
      sha256: bundleSha256(bytes),
      size: bytes.length,
      entry: info.entry,
      bytes,
    });
  }

  list(): Promise<BundleRecord[]> {
    return this.bundles.listLatest();
  }

  async get(appName: string): Promise<BundleRecord> {
    const bundle = await this.bundles.latest(appName);
    if (!bundle) throw new BundleNotFound(appName);
    return bundle;
  }

  /** Deletes every version of an app, unless a queued or running job uses it. */
  async delete(appName: string): Promise<void> {
    const active = await this.jobs.activeOfApp(appName);
    if (active.length) throw new BundleInUse(`Binary is in use by job(s): ${active.join(', ')}`);
    if ((await this.bundles.deleteApp(appName)) === 0) throw new BundleNotFound(appName);
  }
}
