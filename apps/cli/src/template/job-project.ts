import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../cli.error';

/** The template's files, beside `src` and `dist` of this package. */
export const TEMPLATE_DIR = path.resolve(__dirname, '..', '..', 'template');
/** This repository's job-author API, which a new project depends on by default (`file:`). */
export const WORKSPACE_API = path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'api');

/** An app name that is also an npm package name: lowercase letters, digits, `._-`. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** What `init` writes. */
export interface JobProject {
  dir: string;
  name: string;
  /** The `@jobserver/api` dependency spec (`file:…`, a version, a tarball). */
  apiSpec: string;
}

/** The project `init <dir>` means, its name and API spec checked. @throws CliError (exit 2) */
export function jobProject(dir: string, name: string | undefined, apiSpec: string | undefined): JobProject {
  const appName = name ?? path.basename(path.resolve(dir)).toLowerCase();
  if (!NAME.test(appName)) {
    throw usageError(`${appName} cannot name the app and its package: use lowercase letters, digits and ._- (--name <app>)`);
  }
  if (apiSpec === undefined && !existsSync(path.join(WORKSPACE_API, 'package.json'))) {
    throw usageError('@jobserver/api is not beside this CLI: say where to install it from with --api <spec> (a version, file:<path> or a tarball)');
  }
  return { dir: path.resolve(dir), name: appName, apiSpec: apiSpec ?? `file:${WORKSPACE_API}` };
}

/**
 * Writes the project: into a sibling temporary folder first, renamed into place at the end, so
 * that an interrupted or failed init leaves nothing behind. `dir` must not exist or be empty.
 * @throws CliError (exit 2) when `dir` holds something
 */
export async function writeJobProject(project: JobProject, signal?: AbortSignal): Promise<string[]> {
  const existing = await readdir(project.dir).catch(() => undefined);
  if (existing && existing.length > 0) throw usageError(`${project.dir} exists and is not empty`);
  const staging = `${project.dir}.init-${process.pid}`;
  const written: string[] = [];
  try {
    await mkdir(path.dirname(project.dir), { recursive: true });
    for (const file of await templateFiles(TEMPLATE_DIR)) {
      signal?.throwIfAborted();
      const relative = targetName(path.relative(TEMPLATE_DIR, file));
      const text = (await readFile(file, 'utf8')).replaceAll('{{name}}', project.name).replaceAll('{{apiSpec}}', project.apiSpec);
      await mkdir(path.dirname(path.join(staging, relative)), { recursive: true });
      await writeFile(path.join(staging, relative), text);
      written.push(relative);
    }
    signal?.throwIfAborted();
    if (existing) await rm(project.dir, { recursive: true });
    await rename(staging, project.dir);
    return written.sort();
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `gitignore.tmpl` → `.gitignore` (npm drops a package's .gitignore), `x.ts.tmpl` → `x.ts`. */
function targetName(relative: string): string {
  const name = relative.replace(/\.tmpl$/, '');
  return path.basename(name) === 'gitignore' ? path.join(path.dirname(name), '.gitignore') : name;
}

async function templateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? templateFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)])),
  );
  return nested.flat();
}
