import path from 'node:path';
import {
  bundleSha256,
  verifyBundleFolder,
  writeBundle,
  type BundleManifest,
  type BundleType,
} from '@jobserver/bundle';
import type { ServerConfig } from '@jobserver/config';
import { BundleRepository } from '@jobserver/persistence/core';
import { Logger } from '../infra/logger';

/** A bundle on local disk, with what its folder must hold. */
interface CachedBundle {
  entryPath: string;
  dir: string;
  /**
   * The trust anchor of verification. Kept in this process's memory, computed from the bytes
   * read from Postgres (whose sha256 was checked), never read back from the cache folder: jobs
   * run as the same OS user and can rewrite anything in the cache, so a manifest stored there
   * could be rewritten with it. The executor thread (user code) has no access to this memory.
   */
  manifest: BundleManifest;
}

/** Apps whose newest bundle a spare worker fetches ahead, the most recently uploaded first. */
const PREFETCH_APPS = 8;
/** Bundles larger than this are fetched when a job needs them, never ahead. */
const PREFETCH_MAX_BYTES = 8 * 1024 * 1024;

/** Who asks for a bundle (one sha may be uploaded under several apps): named in the log line of a re-fetch. */
export interface BundleUse {
  app: string;
  context: string;
}

/**
 * Bundles on local disk by sha256, fetched from Postgres on first use and verified against
 * their manifest whenever an executor is about to import them.
 */
export class BundleCacheService {
  private readonly logger = new Logger(BundleCacheService.name);
  private readonly entries = new Map<string, Promise<CachedBundle>>();
  /** Re-extractions in progress, one per sha. */
  private readonly repairs = new Map<string, Promise<void>>();

  constructor(
    private readonly config: ServerConfig,
    private readonly bundles: BundleRepository,
  ) {}

  /**
   * Fetches, in the background and one after the other, the newest version of the apps
   * uploaded most recently (PREFETCH_APPS, each up to PREFETCH_MAX_BYTES): what a spare worker
   * does while it waits, so that its context's first job (an ad-hoc job's only one) finds its
   * bundle on disk with its manifest. Nothing of a bundle runs here; the check against the
   * manifest still comes before an executor imports it.
   */
  prefetchRecent(): void {
    const fetchAll = async () => {
      for (const sha of await this.bundles.recentLatest(PREFETCH_APPS, PREFETCH_MAX_BYTES)) await this.cached(sha);
    };
    fetchAll().catch((err: unknown) => this.logger.warn({ err }, 'fetching recent bundles ahead failed'));
  }

  /** The absolute path of the bundle's entry module, ready for `import()` (not verified). */
  async entryPath(sha256: string): Promise<string> {
    return (await this.cached(sha256)).entryPath;
  }

  /**
   * Checks the bundle's cached files against its manifest; if anything differs (a changed,
   * missing or extra file) re-fetches the bundle from Postgres, extracts it afresh and logs it.
   * @throws Error when the bundle cannot be fetched or still differs after the re-extraction
   */
  async verify(sha256: string, use: BundleUse): Promise<void> {
    const bundle = await this.cached(sha256);
    const problems = await verifyBundleFolder(bundle.dir, bundle.manifest);
    if (problems.length === 0) return;
    this.logger.warn(
      { sha256, appName: use.app, context: use.context, problems: problems.slice(0, 10) },
      'bundle cache differs from the uploaded bundle: re-fetched from Postgres and re-extracted',
    );
    let repair = this.repairs.get(sha256);
    if (!repair) {
      repair = this.repair(sha256, bundle).finally(() => this.repairs.delete(sha256));
      this.repairs.set(sha256, repair);
    }
    await repair;
  }

  private cached(sha256: string): Promise<CachedBundle> {
    let entry = this.entries.get(sha256);
    if (!entry) {
      entry = this.fetch(sha256, false);
      this.entries.set(sha256, entry);
      entry.catch(() => this.entries.delete(sha256));
    }
    return entry;
  }

  private async repair(sha256: string, bundle: CachedBundle): Promise<void> {
    await this.fetch(sha256, true);
    const left = await verifyBundleFolder(bundle.dir, bundle.manifest);
    if (left.length > 0) throw new Error(`bundle ${sha256} differs from its upload even after a re-extraction: ${left.join(', ')}`);
  }

  private async fetch(sha256: string, replace: boolean): Promise<CachedBundle> {
    const bundle = await this.bundles.bySha(sha256);
    if (!bundle) throw new Error(`bundle ${sha256} is no longer stored (its app was deleted)`);
    if (bundleSha256(bundle.bytes) !== sha256) throw new Error(`bundle ${sha256} read from Postgres does not match its sha256`);
    const dir = path.resolve(this.config.bundleCacheDir, sha256);
    const info = { type: bundle.binaryType as BundleType, entry: bundle.entry };
    const { entryPath, manifest } = await writeBundle(bundle.bytes, info, dir, { replace });
    return { entryPath, dir, manifest };
  }
}
