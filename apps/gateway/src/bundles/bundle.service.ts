import { Injectable, Logger } from '@nestjs/common';
import { bundleSha256, inspectBundle, InvalidBundle } from '@jobserver/bundle';
import { BundleRepository, JobRepository, type BundleRecord } from '@jobserver/persistence';
import { BundleInUse, BundleNotFound, InvalidBundleUpload } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { assertName, isAppName } from '../infra/names';

const NOT_A_BUNDLE = 'Binary is not of the right format';

/** Uploads, lists and deletes bundles. */
@Injectable()
export class BundleService {
  private readonly logger = new Logger(BundleService.name);

  constructor(
    private readonly bundles: BundleRepository,
    private readonly jobs: JobRepository,
    private readonly owners: OwnerScope,
  ) {}

  /** Stores a new version of `appName` after checking that the bytes are a loadable bundle. */
  async upload(appName: string, body: unknown, owner: string | null = null): Promise<BundleRecord> {
    assertName(appName, 'app name', /^[A-Za-z0-9]/, 'start with a letter or digit');
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    let info;
    try {
      info = await inspectBundle(bytes);
    } catch (error) {
      if (error instanceof InvalidBundle) {
        // API.md's message, verbatim; the reason goes to the log.
        this.logger.warn(`upload of ${appName} rejected: ${error.message}`);
        throw new InvalidBundleUpload(NOT_A_BUNDLE);
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
      owner,
    });
  }

  list(): Promise<BundleRecord[]> {
    return this.bundles.listLatest();
  }

  async get(appName: string): Promise<BundleRecord> {
    const bundle = isAppName(appName) ? await this.bundles.latest(appName) : null;
    if (!bundle) throw new BundleNotFound(appName);
    return bundle;
  }

  /** Every version of an app, newest first. @throws BundleNotFound for an unknown or invalid name */
  async versions(appName: string): Promise<BundleRecord[]> {
    const versions = isAppName(appName) ? await this.bundles.versions(appName) : [];
    if (versions.length === 0) throw new BundleNotFound(appName);
    return versions;
  }

  /**
   * Deletes every version of an app, unless a queued or running job uses it. The refusal names the
   * jobs `principal` may see (auth.isolate-owners) and only counts the others.
   */
  async delete(appName: string, principal?: Principal): Promise<void> {
    if (!isAppName(appName)) throw new BundleNotFound(appName);
    const active = await this.jobs.activeOfApp(appName);
    if (active.length === 0) {
      if ((await this.bundles.deleteApp(appName)) === 0) throw new BundleNotFound(appName);
      return;
    }
    const shown = active.filter((job) => this.owners.sees(principal, job.owner)).map((job) => job.id);
    const hidden = active.length - shown.length;
    const others = `${hidden} job(s) of other owners`;
    if (shown.length === 0) throw new BundleInUse(`Binary is in use by ${others}`);
    throw new BundleInUse(`Binary is in use by job(s): ${shown.join(', ')}${hidden ? ` and ${others}` : ''}`);
  }
}
