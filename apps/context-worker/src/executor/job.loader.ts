import { pathToFileURL } from 'node:url';
import { toErrorInfo } from '@jobserver/protocol';
import type { JobOutcome } from './executor.messages';

/** Makes the job object for one run: the exported object itself, or a fresh class instance. */
export type JobFactory = () => unknown;

/** What {@link JobLoader.load} found: a job factory, or the outcome that ends the job. */
export type LoadedJob =
  | { found: true; create: JobFactory }
  | { found: false; outcome: Extract<JobOutcome, { kind: 'class-not-found' | 'load-failed' }> };

type ModuleNamespace = Record<string, unknown>;

/**
 * Imports bundle entry modules (once each, cached by path for the thread's life) and resolves
 * a classPath to the job export, per API.md's job API.
 */
export class JobLoader {
  private readonly modules = new Map<string, Promise<ModuleNamespace>>();

  /** Finds the job `classPath` names in the bundle at `entryPath`; never throws. */
  async load(entryPath: string, classPath: string): Promise<LoadedJob> {
    let namespace: ModuleNamespace;
    try {
      namespace = await this.importEntry(entryPath);
    } catch (error) {
      return { found: false, outcome: { kind: 'load-failed', error: toErrorInfo(error) } };
    }
    const create = jobFactory(resolveExport(namespace, classPath));
    return create
      ? { found: true, create }
      : { found: false, outcome: { kind: 'class-not-found' } };
  }

  /** The module namespace of a bundle's entry, imported once per thread (jobs and `load()` share it). */
  importEntry(entryPath: string): Promise<ModuleNamespace> {
    let loading = this.modules.get(entryPath);
    if (!loading) {
      loading = import(pathToFileURL(entryPath).href) as Promise<ModuleNamespace>;
      loading.catch(() => this.modules.delete(entryPath));
      this.modules.set(entryPath, loading);
    }
    return loading;
  }
}

/**
 * The export named exactly `classPath`, else the one named after its last dotted segment; each
 * looked up in the module namespace, then in `namespace.default` (a CommonJS `module.exports`).
 */
export function resolveExport(namespace: ModuleNamespace, classPath: string): unknown {
  const lastSegment = classPath.slice(classPath.lastIndexOf('.') + 1);
  const exportsObject = namespace.default;
  for (const name of new Set([classPath, lastSegment])) {
    if (name === '') continue;
    if (namespace[name] !== undefined) return namespace[name];
    if (isObjectLike(exportsObject) && Object.hasOwn(exportsObject, name)) {
      return (exportsObject as ModuleNamespace)[name];
    }
  }
  return undefined;
}

/**
 * How to get a job object from an export: an object with `runJob` is used as is; a class is
 * instantiated with no arguments for every run (its instance must have `runJob`, checked by the
 * runner); `undefined` when the export cannot be a job.
 */
export function jobFactory(exported: unknown): JobFactory | undefined {
  if (typeof exported === 'function') {
    const proto = (exported as { prototype?: { runJob?: unknown } }).prototype;
    if (typeof proto?.runJob === 'function') return () => new (exported as new () => unknown)();
    if (hasRunJob(exported)) return () => exported;
    return proto === undefined ? undefined : () => new (exported as new () => unknown)();
  }
  return hasRunJob(exported) ? () => exported : undefined;
}

/** Whether `value` has a callable `runJob`. */
export function hasRunJob(value: unknown): value is { runJob: (...args: unknown[]) => unknown } {
  return isObjectLike(value) && typeof (value as { runJob?: unknown }).runJob === 'function';
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
